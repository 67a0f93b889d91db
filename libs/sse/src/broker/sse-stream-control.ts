import type { SseIdentity } from '../auth/sse-identity.interface.js';
import type { SseEnvelope } from '../core/sse-envelope.js';
import { scopedKey, targetKey } from '../core/sse-target.js';
import type { ResolvedSseOptions } from '../options/resolved-sse-options.interface.js';
import type { SseConnection } from '../stream/sse-connection.js';
import type {
  SseControlCommand,
  SseControlResult,
  SseTransport,
} from '../transport/sse-transport.interface.js';
import { InMemoryRevocations } from '../transport/memory/in-memory.revocations.js';
import { issuedBefore } from './sse-revocations.js';
import { changedTopics, selectStreams } from './stream-control.util.js';
import type { SubjectRegistry } from './subject-registry.js';

/**
 * How long an instance remembers a revocation it executed, for requests that
 * were authenticated before it and are admitted after it: far longer than a
 * request takes from its guard to its admission.
 */
const ADMISSION_REVOCATION_MS = 60_000;

/** The streams of this instance, as {@link SseStreamControl} finds them. @internal */
export interface SseStreamLookup {
  client(clientId: string): SseConnection | undefined;
  clientsOfUser(
    userId: string,
    tenantId: string | undefined,
  ): ReadonlySet<SseConnection> | undefined;
}

/**
 * Runs control commands on this instance's open streams (close, a new
 * expiry, topic changes), and remembers the revocations it ran so that
 * admission can refuse a token they cover.
 * @internal
 */
export class SseStreamControl {
  /**
   * Revocations executed here lately, by user key: a request authenticated
   * before one may reach admission after it closed the user's streams, and
   * is refused as the guard would now refuse it.
   */
  private readonly revokedHere = new InMemoryRevocations();

  constructor(
    private readonly streams: SseStreamLookup,
    private readonly targets: SubjectRegistry<SseEnvelope>,
    private readonly transport: SseTransport,
    private readonly options: Pick<
      ResolvedSseOptions,
      'maxTopicsPerConnection'
    >,
  ) {}

  /** True when a revocation executed here lately covers this identity's token. */
  revoked(identity: SseIdentity, userKey: string): boolean {
    return (
      this.revokedHere.size > 0 &&
      issuedBefore(identity, this.revokedHere.revokedBefore(userKey))
    );
  }

  /** Runs a control command on this instance's streams. */
  async execute(command: SseControlCommand): Promise<SseControlResult> {
    const streams = selectStreams(command.select, this.streams);
    const { action } = command;
    switch (action.type) {
      case 'close':
        if (action.notBefore !== undefined && command.select.userId)
          this.revokedHere.revoke(
            scopedKey(command.select.tenantId, command.select.userId),
            action.notBefore,
            ADMISSION_REVOCATION_MS,
          );
        streams.forEach((c) => c.close(action.reason));
        return { count: streams.length };
      case 'expiry':
        streams.forEach((c) => c.renew(action.expiresAt));
        return { count: streams.length };
      case 'topics': {
        const changes = await Promise.all(
          streams.map((c) => this.retopic(c, action.add, action.remove)),
        );
        const result: SseControlResult = {
          count: changes.filter((changed) => changed === true).length,
        };
        if (command.select.clientId !== undefined && streams.length === 1) {
          if (changes[0] === 'too_many') result.refused = 'too_many_topics';
          result.topics = [...streams[0].topics];
        }
        return result;
      }
    }
  }

  /**
   * Changes a stream's topics: true when they changed, `'too_many'` when
   * the change would exceed `maxTopicsPerConnection`. An added topic is
   * subscribed on the transport before this resolves, so that every message
   * published to it afterwards reaches the stream.
   */
  private async retopic(
    connection: SseConnection,
    add: readonly string[],
    remove: readonly string[],
  ): Promise<boolean | 'too_many'> {
    const change = changedTopics(
      connection.topics,
      add,
      remove,
      this.options.maxTopicsPerConnection,
    );
    if (change === undefined || change === 'too_many') return change ?? false;
    const { tenantId, receive } = connection;
    const key = (topic: string) =>
      targetKey({ type: 'topic', topic, tenantId });
    connection.topics = change.topics;
    // A stream that closed meanwhile has already left its targets.
    if (this.streams.client(connection.id) !== undefined) {
      change.removed.forEach((topic) =>
        this.targets.remove(key(topic), receive),
      );
      change.added.forEach((topic) => this.targets.add(key(topic), receive));
    }
    // Unconfirmed (Redis is slow or away), the stream catches up through
    // the history of all its targets, this one included: now, and again
    // when the subscriber is back if it was lost.
    if (change.added.length > 0)
      await this.transport
        .settle(change.added.map(key))
        .catch(() => connection.resume());
    return true;
  }
}
