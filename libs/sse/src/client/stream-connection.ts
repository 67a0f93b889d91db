import { jwtExpiry } from './jwt-expiry.js';
import { SseParser, type SseParsedEvent } from './sse-parser.js';
import type {
  SseClientState,
  SseConnectedInfo,
  SseEventSourceConstructor,
  SseEventSourceLike,
  SseResetInfo,
  SseStateDetail,
} from './sse-client.types.js';

/** What a {@link StreamConnection} reports to the client that owns it. */
export interface StreamConnectionHooks {
  /** An application message, in stream order (duplicates are the owner's to drop). */
  message(event: string, data: string, id: string): void;
  reset(info: SseResetInfo, id: string): void;
  connected(info: SseConnectedInfo, id: string): void;
  state(state: SseClientState, detail?: SseStateDetail): void;
}

/** How a {@link StreamConnection} connects. */
export interface StreamConnectionConfig {
  url: string;
  token?: () => string | Promise<string>;
  reconnectJitter: number;
  fetch?: typeof fetch;
  EventSource?: SseEventSourceConstructor;
  /** The topics to subscribe to, read at each connect. */
  topics(): readonly string[];
  /** The cursor to resume from, read at each connect. */
  lastId(): string | undefined;
  /** The event names to listen to (EventSource only: it dispatches named events to their listeners only). */
  eventNames(): Iterable<string>;
}

/** The stream's own events: never handed to the application's handlers. */
const CONTROL_EVENTS = ['connected', 'heartbeat', 'reset', 'close'];
/** EventSource's default reconnection time, used until the server sends `retry:`. */
const DEFAULT_RETRY_MS = 3_000;
/** Upper bound of the backoff after repeated failures. */
const MAX_BACKOFF_MS = 30_000;
/** A JWT is refreshed this long before its `exp` at most (a quarter of its remaining life when shorter). */
const REFRESH_LEAD_MS = 30_000;
const EVENT_SOURCE_CLOSED = 2;
/** setTimeout's largest delay; a longer wait re-arms. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * One server stream and the decisions around it: which transport (a
 * `fetch` reader with `Authorization: Bearer` when a token is used, the
 * browser's `EventSource` with cookies otherwise), when and how to reconnect
 * after each close reason or failure, and refreshing the token before it
 * expires. It delivers what the server sends; the owner drops what it already
 * delivered and keeps the cursor.
 *
 * Every connect has a generation: callbacks of an older one are ignored, so a
 * stream that is replaced can never deliver after its successor started.
 */
export class StreamConnection {
  private generation = 0;
  private current: SseClientState = 'closed';
  private retryMs = DEFAULT_RETRY_MS;
  private failures = 0;
  private authRetried = false;
  private token?: string;
  private clientId?: string;
  private subscribed: readonly string[] = [];
  private abort?: AbortController;
  private source?: SseEventSourceLike;
  private listened = new Set<string>();
  private timer?: ReturnType<typeof setTimeout>;
  private refreshTimer?: ReturnType<typeof setTimeout>;
  private stopped = true;

  constructor(
    private readonly config: StreamConnectionConfig,
    private readonly hooks: StreamConnectionHooks,
  ) {}

  get state(): SseClientState {
    return this.current;
  }

  /** Connects (or reconnects now from the owner's cursor). */
  start(): void {
    this.stopped = false;
    this.authRetried = false;
    this.failures = 0;
    this.connect(this.current === 'closed' ? 'connecting' : 'reconnecting');
  }

  /** Closes the stream for good (until `start()`). */
  stop(detail?: SseStateDetail): void {
    this.stopped = true;
    this.teardown();
    this.setState('closed', detail);
  }

  /** Reconnects when the topics to subscribe to are no longer all subscribed. */
  topicsChanged(): void {
    if (this.stopped) return;
    const now = new Set(this.subscribed);
    if (this.config.topics().some((t) => !now.has(t)))
      this.connect('reconnecting');
  }

  /** Makes an open EventSource dispatch `name` too. */
  listen(name: string): void {
    if (this.source && !this.listened.has(name))
      this.addListener(this.source, name, this.generation);
  }

  private connect(state: SseClientState): void {
    this.teardown();
    const generation = this.generation;
    this.setState(state);
    this.subscribed = [...this.config.topics()];
    if (this.config.token || !this.eventSourceClass()) {
      void this.openFetch(generation);
    } else {
      this.openEventSource(generation);
    }
  }

  /** Ends the current attempt: its callbacks, timers and stream. */
  private teardown(): void {
    this.generation++;
    clearTimeout(this.timer);
    clearTimeout(this.refreshTimer);
    this.timer = this.refreshTimer = undefined;
    this.abort?.abort();
    this.abort = undefined;
    this.source?.close();
    this.source = undefined;
    this.clientId = undefined;
  }

  private setState(state: SseClientState, detail?: SseStateDetail): void {
    if (state === this.current && detail === undefined) return;
    this.current = state;
    this.hooks.state(state, detail);
  }

  private eventSourceClass(): SseEventSourceConstructor | undefined {
    return (
      this.config.EventSource ??
      (globalThis as { EventSource?: SseEventSourceConstructor }).EventSource
    );
  }

  private fetcher(): typeof fetch {
    const f = this.config.fetch ?? globalThis.fetch;
    if (!f) throw new TypeError('nestjs-sse-broker/client needs fetch');
    return f.bind(globalThis);
  }

  /** The stream URL with this connect's topics (and, for EventSource, its cursor: it cannot send the header on the first request). */
  private streamUrl(withCursor: boolean): string {
    const url = new URL(this.config.url, globalThis.location?.href);
    if (this.subscribed.length > 0)
      url.searchParams.set('topics', this.subscribed.join(','));
    else url.searchParams.delete('topics');
    const lastId = this.config.lastId();
    if (withCursor && lastId) url.searchParams.set('lastEventId', lastId);
    else url.searchParams.delete('lastEventId');
    return url.toString();
  }

  private async openFetch(generation: number): Promise<void> {
    const abort = (this.abort = new AbortController());
    const live = () => generation === this.generation;
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    let response: Response;
    try {
      if (this.config.token) {
        this.token ??= await this.config.token();
        if (!live()) return;
        headers.Authorization = `Bearer ${this.token}`;
      }
      const lastId = this.config.lastId();
      if (lastId) headers['Last-Event-ID'] = lastId;
      response = await this.fetcher()(this.streamUrl(false), {
        headers,
        credentials: this.config.token ? 'same-origin' : 'include',
        cache: 'no-store',
        signal: abort.signal,
      });
    } catch {
      if (live()) this.retryLater();
      return;
    }
    if (!live()) return;
    if (!response.ok || !response.body) {
      await this.refused(response, generation);
      return;
    }
    if (
      !/^text\/event-stream\b/i.test(response.headers.get('content-type') ?? '')
    ) {
      // Not the stream (a page served for an unknown path, a proxy's answer):
      // reconnecting would only get the same.
      void response.body.cancel().catch(() => undefined);
      this.stop({ status: response.status, reason: 'not_an_event_stream' });
      return;
    }
    const parser = new SseParser(
      (event) => {
        if (live()) this.frame(event);
      },
      (ms) => (this.retryMs = ms),
    );
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || !live()) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // A cut connection: handled below like an end without `close`.
    }
    if (live()) this.retryLater();
    else void reader.cancel().catch(() => undefined);
  }

  private openEventSource(generation: number): void {
    const Source = this.eventSourceClass()!;
    const source = new Source(this.streamUrl(true), { withCredentials: true });
    this.source = source;
    this.listened = new Set();
    for (const name of [...CONTROL_EVENTS, ...this.config.eventNames()])
      this.addListener(source, name, generation);
    source.onerror = () => {
      if (generation !== this.generation) return;
      if (source.readyState === EVENT_SOURCE_CLOSED) {
        // Refused (a status other than 200, or not an event stream):
        // EventSource does not say why, so ask once with fetch.
        source.close();
        void this.probe(generation);
      } else if (this.current === 'live') {
        this.setState('reconnecting');
      }
    };
  }

  private addListener(
    source: SseEventSourceLike,
    name: string,
    generation: number,
  ): void {
    this.listened.add(name);
    source.addEventListener(name, (e) => {
      if (generation === this.generation)
        this.frame({
          event: name,
          data: e.data,
          id: e.lastEventId,
          hasId: true,
        });
    });
  }

  /** After a refused EventSource: a 4xx closes the client with its code; anything else retries. */
  private async probe(generation: number): Promise<void> {
    const f = this.config.fetch ?? globalThis.fetch;
    if (!f) {
      this.retryLater();
      return;
    }
    const abort = (this.abort = new AbortController());
    try {
      const response = await f.call(globalThis, this.streamUrl(true), {
        headers: { Accept: 'text/event-stream' },
        credentials: 'include',
        cache: 'no-store',
        signal: abort.signal,
      });
      if (generation !== this.generation) return;
      if (!response.ok) {
        await this.refused(response, generation);
        return;
      }
      // It was accepted this time: the reconnect below opens the stream.
      abort.abort();
    } catch {
      if (generation !== this.generation) return;
    }
    this.retryLater();
  }

  /** A non-2xx answer to a connect. */
  private async refused(response: Response, generation: number): Promise<void> {
    const { status } = response;
    const code = await errorCode(response);
    if (generation !== this.generation) return;
    if (status === 401 && this.config.token && !this.authRetried) {
      this.authRetried = true;
      this.token = undefined;
      this.connect('reconnecting');
      return;
    }
    const transient = status === 408 || status === 429 || status >= 500;
    if (!transient) {
      this.stop({ status, code, reason: code ?? `http_${status}` });
      return;
    }
    const after = Number(response.headers.get('Retry-After'));
    this.retryLater(
      Number.isFinite(after) && after > 0 ? after * 1000 : undefined,
    );
  }

  private frame(event: SseParsedEvent): void {
    switch (event.event) {
      case 'connected':
        this.opened(parseJson(event.data) as SseConnectedInfo, event.id);
        break;
      case 'heartbeat':
        break;
      case 'reset':
        this.hooks.reset(parseJson(event.data) as SseResetInfo, event.id);
        break;
      case 'close':
        this.serverClosed(
          String((parseJson(event.data) as { reason?: unknown })?.reason),
        );
        break;
      default:
        this.hooks.message(event.event, event.data, event.id);
    }
  }

  private opened(info: SseConnectedInfo, id: string): void {
    this.failures = 0;
    this.authRetried = false;
    this.clientId = info?.clientId;
    // First the stream's identity, so that `live` is reported with it.
    this.hooks.connected(info, id);
    this.setState('live');
    this.scheduleRefresh();
  }

  /**
   * What each close reason asks for (see the package's DELIVERY.md): a new
   * token, a delayed or an immediate reconnect from the cursor, or stopping.
   */
  private serverClosed(reason: string): void {
    this.teardown();
    switch (reason) {
      case 'token_expired':
        this.token = undefined;
        this.connect('reconnecting');
        return;
      case 'slow_consumer':
      case 'timeout':
        this.connect('reconnecting');
        return;
      case 'disconnected':
      case 'revoked':
        this.stop({ reason });
        return;
      default:
        // shutdown, max_age and anything newer: after the server's retry.
        this.setState('reconnecting', { reason });
        this.schedule(this.retryMs + this.jitter());
    }
  }

  /** A failure or an end without `close`: back off exponentially from the server's retry. */
  private retryLater(delay?: number): void {
    if (this.stopped) return;
    this.teardown();
    this.failures++;
    this.setState('reconnecting');
    const backoff = Math.min(
      this.retryMs * 2 ** Math.min(this.failures - 1, 10),
      MAX_BACKOFF_MS,
    );
    this.schedule((delay ?? backoff) + this.jitter());
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) this.connect('reconnecting');
    }, delay);
  }

  private jitter(): number {
    return Math.floor(Math.random() * (this.config.reconnectJitter + 1));
  }

  /** Refreshes a JWT shortly before its `exp` on the open stream. */
  private scheduleRefresh(): void {
    const expiresAt = this.token ? jwtExpiry(this.token) : undefined;
    if (expiresAt === undefined || !this.config.token) return;
    const remaining = expiresAt - Date.now();
    const lead = Math.min(REFRESH_LEAD_MS, Math.max(0, remaining / 4));
    const delay = Math.max(0, remaining - lead);
    const generation = this.generation;
    this.refreshTimer =
      delay > MAX_TIMER_MS
        ? setTimeout(() => this.scheduleRefresh(), MAX_TIMER_MS)
        : setTimeout(() => void this.refresh(generation), delay);
  }

  /**
   * `POST <base>/clients/<clientId>/token` with the new token: 204 moves the
   * stream's expiry; any other answer leaves the stream to close with
   * `token_expired`, after which the client reconnects with a new token.
   */
  private async refresh(generation: number): Promise<void> {
    const live = () => generation === this.generation;
    try {
      const token = await this.config.token!();
      if (!live() || !this.clientId) return;
      const url = new URL(this.config.url, globalThis.location?.href);
      url.search = '';
      url.pathname = `${url.pathname.replace(/\/stream\/?$/, '')}/clients/${encodeURIComponent(this.clientId)}/token`;
      const response = await this.fetcher()(url.toString(), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        credentials: 'same-origin',
      });
      if (!live()) return;
      if (response.status === 204) {
        this.token = token;
        this.scheduleRefresh();
      }
    } catch {
      // The stream closes with token_expired, and the reconnect gets a new token.
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The `code` of the library's JSON error body, if there is one. */
async function errorCode(response: Response): Promise<string | undefined> {
  try {
    const body = parseJson(await response.text());
    const code =
      body !== null && typeof body === 'object'
        ? (body as { code?: unknown }).code
        : undefined;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
