// The page's stream, behind the same interface as the package's browser
// client (`createSseClient` of `nestjs-sse-broker/client`), reduced to what
// the page needs: one EventSource per tab, authenticated by the HttpOnly
// cookie set at login. The browser keeps the last id and sends it as
// `Last-Event-ID` when it reconnects, so the server replays what was missed
// or says `reset`; a new EventSource after the browser gave up resumes from
// the same id (`?lastEventId=`).

/**
 * The browser retries on its own while the server is unreachable; when it
 * gives up (an HTTP error such as 502 from a proxy, or 401), this retries
 * with a growing delay, in state `closed` meanwhile.
 *
 * @param {{ url: string, topics?: string[] }} options
 */
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

export function createSseClient({ url, topics = [] }) {
  const handlers = new Map();
  const resetHandlers = new Set();
  const stateHandlers = new Set();
  let source = null;
  let state = 'closed';
  let retryTimer = null;
  let retryDelay = RETRY_MIN_MS;
  let lastId = '';
  const track = (message) => (lastId = message.lastEventId || lastId);

  const setState = (next) => {
    if (next === state) return;
    state = next;
    for (const handler of stateHandlers) handler(next);
  };

  const dispatch = (event, message) => {
    track(message);
    const data = message.data ? JSON.parse(message.data) : null;
    for (const handler of handlers.get(event) ?? []) handler(data, { id: message.lastEventId });
  };

  const listen = (event) => source?.addEventListener(event, (message) => dispatch(event, message));

  function open() {
    const target = new URL(url, location.href);
    if (topics.length) target.searchParams.set('topics', topics.join(','));
    // A new EventSource has no Last-Event-ID of its own: resume from ours.
    if (lastId) target.searchParams.set('lastEventId', lastId);
    setState(state === 'closed' ? 'connecting' : 'reconnecting');
    source = new EventSource(target, { withCredentials: true });
    source.addEventListener('connected', (message) => {
      track(message);
      retryDelay = RETRY_MIN_MS;
      setState('live');
    });
    source.addEventListener('reset', (message) => {
      track(message);
      for (const handler of resetHandlers) handler();
    });
    source.addEventListener('close', (message) => {
      const { reason } = JSON.parse(message.data || '{}');
      // The server ends the stream after this event; it asks us to stay away
      // only when it disconnected us on purpose or the session is over.
      if (reason === 'disconnected' || reason === 'token_expired') close();
    });
    source.addEventListener('error', () => {
      if (!source) return;
      if (source.readyState !== EventSource.CLOSED) return setState('reconnecting');
      close();
      retryTimer = setTimeout(open, retryDelay);
      retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
    });
    for (const event of handlers.keys()) listen(event);
  }

  function close() {
    clearTimeout(retryTimer);
    source?.close();
    source = null;
    setState('closed');
  }

  queueMicrotask(open);

  return {
    /** Calls `handler(data, { id })` for each `event`; returns the unsubscribe function. */
    on(event, handler) {
      if (!handlers.has(event)) {
        handlers.set(event, new Set());
        listen(event);
      }
      handlers.get(event).add(handler);
      return () => handlers.get(event)?.delete(handler);
    },
    /** The server could not replay what was missed: reload the state from the API. */
    onReset(handler) {
      resetHandlers.add(handler);
      return () => resetHandlers.delete(handler);
    },
    /** `connecting`, `live`, `reconnecting` or `closed`. */
    onStateChange(handler) {
      stateHandlers.add(handler);
      return () => stateHandlers.delete(handler);
    },
    close,
    reconnect() {
      close();
      open();
    },
  };
}
