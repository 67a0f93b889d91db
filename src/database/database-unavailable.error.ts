/**
 * The database cannot be reached (refused, timed out, connection lost,
 * shutting down). The request that needed it answers `503
 * database_unavailable` with `Retry-After` (`DatabaseUnavailableFilter`);
 * the cause is kept for debugging, never sent to the client.
 */
export class DatabaseUnavailableError extends Error {
  readonly code = 'database_unavailable';

  constructor(options?: { cause?: unknown }) {
    super('The database is unavailable.', options);
    this.name = 'DatabaseUnavailableError';
  }
}

/** Socket-level failures: the server is not there, or the connection broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** SQLSTATEs that mean "not now" rather than "wrong query": shutting down, starting, too many connections. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** What `pg` and `pg-pool` say when a connection ends or cannot be made in time (they give no code). */
const CONNECTION_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * Whether `err` says the database is unreachable, as opposed to a failed
 * query (a constraint, a syntax error), which stays the request's own error.
 */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const { code } = err as { code?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code)) return true;
    // Class 08: connection exception.
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  return CONNECTION_MESSAGE.test(err.message);
}
