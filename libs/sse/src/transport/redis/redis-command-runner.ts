import { TransportUnavailableError } from '../../errors/transport-unavailable.error.js';
import { SSE_MESSAGES } from '../../errors/sse-error.messages.js';
import { describeError } from './redis-connections.js';

/**
 * Runs the transport's commands: any failure (Redis down, a command timed
 * out) becomes a {@link TransportUnavailableError}, and fire-and-forget
 * commands are tracked so that closing waits for them.
 * @internal
 */
export class RedisCommandRunner {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly commandTimeout: number,
    /** Told after a command failed (readiness is re-read; a script may still have run). */
    private readonly failed: () => void,
  ) {}

  async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (err) {
      this.failed();
      throw unavailable(describeError(err));
    }
  }

  /** Rejects with `transport_unavailable` when `promise` takes longer than `commandTimeout`. */
  async withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(unavailable(`${what} timed out`)),
        this.commandTimeout,
      );
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Keeps a command that nobody awaits, until it settles. */
  track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  /** Settles once every tracked command has. */
  async drain(): Promise<void> {
    await Promise.allSettled(this.pending);
  }
}

/** The transport cannot be reached; `reason` is for logs, never for clients. @internal */
export function unavailable(reason: string): TransportUnavailableError {
  return new TransportUnavailableError(
    SSE_MESSAGES.TRANSPORT_UNAVAILABLE(reason),
  );
}
