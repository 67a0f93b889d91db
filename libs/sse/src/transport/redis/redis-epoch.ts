import { randomBytes } from 'node:crypto';

/**
 * What one instance knows about the epoch of the message ids in Redis, and
 * the epoch it proposes when Redis has none.
 *
 * Redis may lose its data while the instances run: a flush, a restart
 * without persistence, the epoch key evicted. The first script that finds
 * the epoch missing creates it from the calling instance's candidate. For an
 * old cursor to be told apart from a new one, the same epoch must never
 * stand for two histories, so a candidate is never proposed again once it
 * may have become the epoch: once it is seen as the epoch, and after a
 * command failed (Redis may have run a script carrying it anyway).
 *
 * Every script answers with the current epoch, in the command connection's
 * order, so a different answer is always a newer epoch. Messages arrive on
 * another connection: one of another epoch is either the news of a change
 * or an old message that was on its way; the transport cannot tell which
 * and resumes its streams, whose reads then answer with the current epoch.
 * @internal
 */
export class RedisEpoch {
  /** Proposed by this instance's scripts when Redis has no epoch. */
  private candidateEpoch = newEpoch();
  /** The epoch of the latest answer; undefined before the first one. */
  private current?: string;
  /** `<epoch>-`, the start of the ids of the current epoch ('' before the first answer). */
  private idPrefix = '';
  /** The last other epoch seen on a message, so that each is reported once. */
  private lastOther?: string;

  get candidate(): string {
    return this.candidateEpoch;
  }

  /** After a command failed: Redis may still have made the candidate the epoch. */
  retireCandidate(): void {
    this.candidateEpoch = newEpoch();
  }

  /**
   * Takes the epoch a script answered with. Returns the previous epoch when
   * this one replaces it (Redis lost the previous one's data), undefined
   * otherwise.
   */
  answered(epoch: string): string | undefined {
    if (epoch === this.current) return undefined;
    const previous = this.current;
    this.current = epoch;
    this.idPrefix = `${epoch}-`;
    if (epoch === this.candidateEpoch) this.candidateEpoch = newEpoch();
    return previous;
  }

  /** Whether a message with this id may say that the epoch changed (reported once per other epoch). */
  isNews(id: string): boolean {
    if (id.startsWith(this.idPrefix)) return false;
    const epoch = id.slice(0, id.indexOf('-'));
    if (epoch === this.lastOther) return false;
    this.lastOther = epoch;
    return true;
  }
}

/** A random epoch: 10 hex digits. */
function newEpoch(): string {
  return randomBytes(5).toString('hex');
}
