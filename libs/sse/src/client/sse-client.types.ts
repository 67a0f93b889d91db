/** The state of a client's connection (in a tab that shares one, the leader's). */
export type SseClientState = 'connecting' | 'live' | 'reconnecting' | 'closed';

/** Why the client is in its state, when there is more to say. */
export interface SseStateDetail {
  /** The server's close reason (`token_expired`, `shutdown`, `disconnected`, ...), or `'closed'` after `close()`. */
  reason?: string;
  /** HTTP status of a refused connect. */
  status?: number;
  /** The `code` of a refused connect's JSON error body (e.g. `invalid_token`). */
  code?: string;
}

/** What a handler of `on()` receives besides the data. */
export interface SseEventMeta {
  /** The message's id (its position in the stream). */
  id: string;
}

/** The `reset` event's data: events were missed and cannot be replayed; reload the state. */
export interface SseResetInfo {
  /** `unknown_cursor` or `history_gap`. */
  reason: string;
  /** The cursor that could not be honoured. */
  cursor?: string;
}

/** The `connected` event's data. */
export interface SseConnectedInfo {
  clientId: string;
  userId: string;
  tenantId: string | null;
  topics: string[];
}

/** The parts of `EventSource` the client uses (the browser's, or one given for tests). */
export interface SseEventSourceLike {
  readonly readyState: number;
  addEventListener(
    type: string,
    listener: (event: { data: string; lastEventId: string }) => void,
  ): void;
  close(): void;
  onerror: ((event: never) => void) | null;
}

/** Where the client keeps the last id (`localStorage` by default). */
export interface SseCursorStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** A constructor of {@link SseEventSourceLike}. */
export type SseEventSourceConstructor = new (
  url: string,
  init?: { withCredentials?: boolean },
) => SseEventSourceLike;

/** Options of {@link createSseClient}. */
export interface SseClientOptions {
  /**
   * The stream's URL, absolute or relative to the page (e.g. `/sse/stream`).
   * Its own query parameters are kept; `topics` and `lastEventId` are set by the client.
   */
  url: string;
  /** Topics to subscribe to. With tab sharing, the connection subscribes to the union of every tab's topics. */
  topics?: string[];
  /**
   * Bearer authentication: called for the first token, after `token_expired`,
   * after a 401, and shortly before a JWT's `exp` (refreshed on the open
   * stream when the server allows it). Without it, the stream authenticates
   * with the page's cookies (`EventSource` with credentials).
   */
  token?: () => string | Promise<string>;
  /**
   * Whether the tabs of one origin, URL and user share one server connection
   * (Web Locks elect the tab that holds it; events reach the others over
   * `BroadcastChannel`). Where those APIs are missing, each tab connects.
   * @default true
   */
  shareAcrossTabs?: boolean;
  /**
   * Who is signed in: scopes the stored cursor and the tab sharing. Without
   * it, they are scoped by URL only and the user is taken from the server's
   * `connected` event; give it when tabs of one browser may hold tokens of
   * different users.
   */
  user?: string;
  /**
   * Where the last id is kept so that a reload resumes (one key per URL and
   * user); `null` keeps it in memory only.
   * @default globalThis.localStorage when present
   */
  storage?: SseCursorStorage | null;
  /**
   * The largest random delay (ms) added to a delayed reconnect, so that many
   * clients do not return at the same moment.
   * @default 1000
   */
  reconnectJitter?: number;
  /** `fetch` to use (tests). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** `EventSource` to use (tests). @default globalThis.EventSource */
  EventSource?: SseEventSourceConstructor;
}

/** A handle of {@link createSseClient}. `Events` maps event names to their data types. */
export interface SseClient<Events extends object = Record<string, unknown>> {
  /** Calls `handler` for each new event named `event`, in id order, once. Returns a function that stops it. */
  on<K extends keyof Events & string>(
    event: K,
    handler: (data: Events[K], meta: SseEventMeta) => void,
  ): () => void;
  /** Called once per `reset`: events were missed and cannot be replayed, reload the state. */
  onReset(handler: (info: SseResetInfo) => void): () => void;
  /** Called on every change of {@link SseClient.state}. */
  onStateChange(
    handler: (state: SseClientState, detail?: SseStateDetail) => void,
  ): () => void;
  /** The connection's state. */
  readonly state: SseClientState;
  /** The server's id of the stream (the shared one's, in a tab that shares it); undefined before `connected`. */
  readonly clientId: string | undefined;
  /** Connects again from the last id now (after `closed`, or to pick up a new cookie). */
  reconnect(): void;
  /** Stops this tab's client for good; with tab sharing, another tab takes the connection over. */
  close(): void;
}
