// @ts-check
// The demo's REST API, as the page calls it (the session cookie authenticates).

/** A refused or failed call: the server's message, its HTTP status and error code. */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status
   * @param {string} [code]
   */
  constructor(message, status, code) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/**
 * Calls the API; a failure throws an {@link ApiError} with the server's
 * message and code.
 * @param {string} path
 * @param {{ method?: string, body?: unknown }} [init]
 * @returns {Promise<any>} the JSON answer (null for 204)
 */
export async function api(path, { method = 'GET', body } = {}) {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const message = Array.isArray(payload?.message) ? payload.message.join('; ') : payload?.message;
    throw new ApiError(message ?? `The server answered ${response.status}.`, response.status, payload?.code);
  }
  return payload;
}
