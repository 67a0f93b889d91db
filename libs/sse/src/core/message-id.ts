import { randomBytes } from 'node:crypto';

/** A parsed message id. @internal */
export interface SseCursor {
  epoch: string;
  seq: number;
}

/** Longest id (or Last-Event-ID) that is parsed at all; longer ones are unknown cursors. */
const MAX_CURSOR_LENGTH = 64;
const CURSOR_PATTERN = /^([0-9a-f]{1,32})-(0|[1-9][0-9]{0,15})$/;

/**
 * Message ids `<epoch>-<sequence>`: the epoch is random per process start (the
 * in-memory history is lost with the process, so an id from an earlier run can
 * never be mistaken for a new one); the sequence increases by one per message,
 * across every target of the broker.
 * @internal
 */
export class MessageIdGenerator {
  readonly epoch = randomBytes(5).toString('hex');
  private sequence = 0;

  /** Sequence of the last id issued (0 before the first). */
  get head(): number {
    return this.sequence;
  }

  next(): { id: string; seq: number } {
    const seq = ++this.sequence;
    return { id: this.format(seq), seq };
  }

  format(seq: number): string {
    return `${this.epoch}-${seq}`;
  }
}

/**
 * Parses a client's cursor strictly. Returns undefined for anything that is
 * not an id this format could have produced (garbage, huge, negative, leading
 * zeros, beyond 2^53); the epoch is not checked here. `<epoch>-0` is the
 * cursor of a client that connected before the first message.
 * @internal
 */
export function parseCursor(value: unknown): SseCursor | undefined {
  if (typeof value !== 'string' || value.length > MAX_CURSOR_LENGTH)
    return undefined;
  const match = CURSOR_PATTERN.exec(value);
  if (!match) return undefined;
  const seq = Number(match[2]);
  return Number.isSafeInteger(seq) ? { epoch: match[1], seq } : undefined;
}
