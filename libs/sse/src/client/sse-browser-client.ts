import { CursorStore, defaultStorage } from './cursor-store.js';
import { isAfter } from './event-id.js';
import { StreamConnection } from './stream-connection.js';
import type {
  SseClient,
  SseClientOptions,
  SseClientState,
  SseConnectedInfo,
  SseEventMeta,
  SseResetInfo,
  SseStateDetail,
} from './sse-client.types.js';
import type { TabMessage } from './tab-messages.js';

type Handler = (data: unknown, meta: SseEventMeta) => void;

/** Web Locks, where the browser has them. */
type Locks = Pick<LockManager, 'request'>;

/** The APIs a shared connection needs, or undefined where one is missing. */
function sharingApis():
  { locks: Locks; Channel: typeof BroadcastChannel } | undefined {
  const g = globalThis as {
    navigator?: { locks?: Locks };
    BroadcastChannel?: typeof BroadcastChannel;
  };
  const locks = g.navigator?.locks;
  return locks && g.BroadcastChannel
    ? { locks, Channel: g.BroadcastChannel }
    : undefined;
}

/**
 * The client behind `createSseClient()`. Each tab keeps its own cursor and
 * drops any id it already delivered, so relays, replays and handovers can
 * overlap without an event reaching a handler twice or out of order.
 *
 * Roles: `solo` (its own connection), `leader` (holds the Web Lock of its
 * scope, the only connection, and relays it), `follower` (waits for the lock
 * and receives the relay).
 */
export class SseBrowserClient<
  Events extends object,
> implements SseClient<Events> {
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly resetHandlers = new Set<(info: SseResetInfo) => void>();
  private readonly stateHandlers = new Set<
    (state: SseClientState, detail?: SseStateDetail) => void
  >();
  private current: SseClientState = 'connecting';
  private detail?: SseStateDetail;
  private currentClientId?: string;
  private lastId?: string;
  private user?: string;
  private readonly cursors: CursorStore;
  private readonly scope: string;
  private readonly topics: string[];
  private readonly tab = Math.random().toString(36).slice(2);
  private role: 'solo' | 'leader' | 'follower' = 'solo';
  private connection?: StreamConnection;
  private channel?: BroadcastChannel;
  /** What the other tabs of the scope listen to, by tab. */
  private readonly peers = new Map<
    string,
    { topics: string[]; events: string[] }
  >();
  private readonly lockRequest = new AbortController();
  private releaseLock?: () => void;
  private closed = false;

  constructor(private readonly options: SseClientOptions) {
    const url = new URL(options.url, globalThis.location?.href);
    this.user = options.user;
    this.scope = `${url.origin}${url.pathname}|${options.user ?? ''}`;
    this.topics = [...new Set(options.topics ?? [])];
    this.cursors = new CursorStore(
      options.storage === undefined ? defaultStorage() : options.storage,
      this.scope,
    );
    this.lastId = this.cursors.read(options.user);
    const apis = options.shareAcrossTabs === false ? undefined : sharingApis();
    if (apis) this.share(apis.locks, apis.Channel);
    else this.lead();
  }

  get state(): SseClientState {
    return this.current;
  }

  get clientId(): string | undefined {
    return this.currentClientId;
  }

  on<K extends keyof Events & string>(
    event: K,
    handler: (data: Events[K], meta: SseEventMeta) => void,
  ): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      this.handlers.set(event, (set = new Set()));
      this.connection?.listen(event);
      if (this.role === 'follower') this.hello(false);
    }
    const h = handler as Handler;
    set.add(h);
    return () => {
      set.delete(h);
    };
  }

  onReset(handler: (info: SseResetInfo) => void): () => void {
    this.resetHandlers.add(handler);
    return () => this.resetHandlers.delete(handler);
  }

  onStateChange(
    handler: (state: SseClientState, detail?: SseStateDetail) => void,
  ): () => void {
    this.stateHandlers.add(handler);
    return () => this.stateHandlers.delete(handler);
  }

  reconnect(): void {
    if (this.closed) return;
    if (this.role === 'follower') this.post({ type: 'reconnect' });
    else this.connection?.start();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection?.stop({ reason: 'closed' });
    this.connection = undefined;
    this.leave();
    const g = globalThis as Partial<Pick<Window, 'removeEventListener'>>;
    g.removeEventListener?.('pagehide', this.leave);
    g.removeEventListener?.('pageshow', this.rejoin);
    this.channel?.close();
    this.channel = undefined;
    this.lockRequest.abort();
    this.releaseLock?.();
    this.setState('closed', { reason: 'closed' });
  }

  private readonly leave = () => this.post({ type: 'bye', tab: this.tab });
  private readonly rejoin = (e: PageTransitionEvent) => {
    if (e.persisted && !this.closed) this.hello(false);
  };

  /** Joins the tabs of this scope: announces itself and queues for the lock. */
  private share(locks: Locks, Channel: typeof BroadcastChannel): void {
    this.role = 'follower';
    const name = `nestjs-sse-broker:${this.scope}`;
    this.channel = new Channel(name);
    this.channel.onmessage = (e: MessageEvent<TabMessage>) =>
      this.received(e.data);
    this.hello(false);
    // A page that is left (or kept in the back-forward cache) stops counting
    // its topics; one that comes back announces them again.
    const g = globalThis as Partial<Pick<Window, 'addEventListener'>>;
    g.addEventListener?.('pagehide', this.leave);
    g.addEventListener?.('pageshow', this.rejoin);
    locks
      .request(name, { signal: this.lockRequest.signal }, () => {
        if (this.closed) return undefined;
        this.lead();
        return new Promise<void>((resolve) => (this.releaseLock = resolve));
      })
      .catch(() => undefined);
  }

  /** Takes the connection (solo, or as the new leader) from this tab's cursor. */
  private lead(): void {
    if (this.role === 'follower') this.role = 'leader';
    this.lastId ??= this.cursors.read(this.user);
    this.connection = new StreamConnection(
      {
        url: this.options.url,
        token: this.options.token,
        reconnectJitter: this.options.reconnectJitter ?? 1_000,
        fetch: this.options.fetch,
        EventSource: this.options.EventSource,
        topics: () => this.allTopics(),
        lastId: () => this.lastId,
        eventNames: () => this.allEvents(),
      },
      {
        message: (event, data, id) => {
          if (this.deliver(event, data, id))
            this.post({ type: 'event', event, data, id });
        },
        reset: (info, id) => {
          this.resetTo(info, id);
          this.post({ type: 'reset', info, id });
        },
        connected: (info, id) => this.connected(info, id),
        state: (state, detail) => {
          this.setState(state, detail);
          this.postState();
        },
      },
    );
    this.post({ type: 'leader', tab: this.tab });
    this.connection.start();
  }

  private received(message: TabMessage): void {
    if (this.closed) return;
    switch (message.type) {
      case 'hello':
        if (!message.answer && !this.peers.has(message.tab)) this.hello(true);
        this.peers.set(message.tab, message);
        if (this.role === 'leader') {
          message.events.forEach((e) => this.connection?.listen(e));
          this.connection?.topicsChanged();
          this.postState();
        }
        break;
      case 'bye':
        this.peers.delete(message.tab);
        break;
      case 'reconnect':
        if (this.role === 'leader') this.connection?.start();
        break;
      case 'leader':
        this.hello(true);
        break;
      case 'event':
        if (this.role === 'follower')
          this.deliver(message.event, message.data, message.id);
        break;
      case 'reset':
        if (this.role === 'follower') this.resetTo(message.info, message.id);
        break;
      case 'state':
        if (this.role === 'follower') {
          this.currentClientId = message.clientId;
          this.setState(message.state, message.detail);
        }
        break;
    }
  }

  /** Hands a message to its handlers unless this tab already delivered it (or a later one). */
  private deliver(event: string, data: string, id: string): boolean {
    if (id !== '') {
      if (!isAfter(id, this.lastId)) return false;
      this.lastId = id;
      if (this.role !== 'follower') this.cursors.write(id, this.user);
    }
    const handlers = this.handlers.get(event);
    if (handlers?.size) {
      const value = parseData(data);
      for (const handler of handlers) call(() => handler(value, { id }));
    }
    return true;
  }

  /** A `reset` moves the cursor to "now"; each tab hands it to its handlers once. */
  private resetTo(info: SseResetInfo, id: string): void {
    if (id && this.lastId === id) return;
    if (id) {
      this.lastId = id;
      if (this.role !== 'follower') this.cursors.write(id, this.user);
    }
    for (const handler of this.resetHandlers) call(() => handler(info));
  }

  private connected(info: SseConnectedInfo, id: string): void {
    this.currentClientId = info?.clientId;
    if (this.user === undefined && typeof info?.userId === 'string')
      this.user = info.userId;
    // A first connect starts at the server's current position.
    if (!this.lastId && id) {
      this.lastId = id;
      this.cursors.write(id, this.user);
    }
    this.postState();
  }

  private setState(state: SseClientState, detail?: SseStateDetail): void {
    // The leader repeats its state for each tab that joins: a change is reported once.
    if (
      state === this.current &&
      JSON.stringify(detail) === JSON.stringify(this.detail)
    )
      return;
    this.current = state;
    this.detail = detail;
    for (const handler of this.stateHandlers)
      call(() => handler(state, detail));
  }

  private postState(): void {
    // A leader that closes hands over: the others wait for the next one, not `closed`.
    if (this.role !== 'leader' || this.closed) return;
    this.post({
      type: 'state',
      state: this.current,
      detail: this.detail,
      clientId: this.currentClientId,
    });
  }

  private hello(answer: boolean): void {
    this.post({
      type: 'hello',
      tab: this.tab,
      topics: this.topics,
      events: [...this.handlers.keys()],
      answer,
    });
  }

  private post(message: TabMessage): void {
    try {
      this.channel?.postMessage(message);
    } catch {
      // A closed channel: this tab is leaving.
    }
  }

  private allTopics(): string[] {
    const all = new Set(this.topics);
    for (const peer of this.peers.values())
      peer.topics.forEach((t) => all.add(t));
    return [...all];
  }

  private allEvents(): string[] {
    const all = new Set(this.handlers.keys());
    for (const peer of this.peers.values())
      peer.events.forEach((e) => all.add(e));
    return [...all];
  }
}

/** Messages carry JSON; anything else is handed over as the text it is. */
function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/** Runs an application handler; its error is reported, never stops the others. */
function call(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    const report = (globalThis as { reportError?: (e: unknown) => void })
      .reportError;
    if (report) report(err);
    else console.error(err);
  }
}
