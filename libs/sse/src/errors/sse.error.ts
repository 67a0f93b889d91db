/**
 * Base class of every error the SSE library throws.
 *
 * Each subclass carries a stable, machine-readable `code` (documented in
 * `docs/API.md`) so that callers can branch on it without parsing messages.
 *
 * @publicApi
 */
export abstract class SseError extends Error {
  /** Stable machine-readable error code, e.g. `invalid_topic`. */
  abstract readonly code: string;

  /** The message without the library's `sse: ` prefix: what an HTTP client is told, where it is told anything. */
  readonly detail: string;

  constructor(message: string) {
    super(`sse: ${message}`);
    this.name = new.target.name;
    this.detail = message;
  }
}
