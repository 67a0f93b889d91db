// The demo's REST API, as the page calls it (the session cookie authenticates).

/** Calls the API; a failure throws an Error with the server's message and code. */
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
    throw Object.assign(new Error(message ?? `The server answered ${response.status}.`), {
      status: response.status,
      code: payload?.code,
    });
  }
  return payload;
}
