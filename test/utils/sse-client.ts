import { forget, hold, waitFor, WAIT_TIMEOUT } from './resources.js';

/** One event as a spec-following client parses it. */
export interface ReceivedEvent {
  event: string;
  /** The id field of this block, if it had one. */
  id?: string;
  /** The client's Last-Event-ID after this block. */
  lastEventId: string;
  data: string;
  retry?: number;
}

/** Parses `text/event-stream` text as a browser does (WHATWG rules). */
export class EventStreamParser {
  readonly events: ReceivedEvent[] = [];
  private lastEventId = '';
  private buffer = '';
  private block: {
    event?: string;
    id?: string;
    data: string[];
    retry?: number;
  } = { data: [] };

  constructor(initialLastEventId = '') {
    this.lastEventId = initialLastEventId;
  }

  feed(text: string): void {
    this.buffer += text;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.block.event = value;
    else if (field === 'data') this.block.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.block.id = value;
    else if (field === 'retry' && /^\d+$/.test(value))
      this.block.retry = Number(value);
  }

  private dispatch(): void {
    const block = this.block;
    this.block = { data: [] };
    if (block.id !== undefined) this.lastEventId = block.id;
    if (block.data.length === 0) return;
    this.events.push({
      event: block.event || 'message',
      id: block.id,
      lastEventId: this.lastEventId,
      data: block.data.join('\n'),
      retry: block.retry,
    });
  }
}

/**
 * A minimal `text/event-stream` reader over `fetch`, following the WHATWG
 * parsing rules, that keeps every event and the raw text for assertions.
 * Open streams are held (resources.ts): the file's teardown aborts those a
 * test left open.
 */
export class StreamClient {
  raw = '';
  readonly ended: Promise<void>;
  private readonly parser = new EventStreamParser();
  private waiters: Array<() => void> = [];
  private done = false;

  private constructor(
    readonly url: string,
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.ended = this.pump();
  }

  /** Opens the stream; rejects if no response (headers) came within `timeout` ms. */
  static async open(
    url: string,
    headers: Record<string, string> = {},
    { timeout = WAIT_TIMEOUT }: { timeout?: number } = {},
  ): Promise<StreamClient> {
    const abort = new AbortController();
    hold(abort, `stream ${url}`, () => abort.abort());
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeout);
    try {
      const response = await fetch(url, {
        headers: { accept: 'text/event-stream', ...headers },
        signal: abort.signal,
      });
      return new StreamClient(url, response, abort);
    } catch (err) {
      forget(abort);
      if (timedOut)
        throw new Error(`no response from ${url} within ${timeout / 1_000} s`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  get events(): ReceivedEvent[] {
    return this.parser.events;
  }

  get status(): number {
    return this.response.status;
  }

  /**
   * Resolves with the first event (from the start) matching `predicate`;
   * rejects if the stream ends first, after `timeout` ms (WAIT_TIMEOUT by
   * default), or when the test ends.
   */
  waitFor(
    predicate: (e: ReceivedEvent) => boolean,
    label = 'event',
    timeout?: number,
  ): Promise<ReceivedEvent> {
    return waitFor(
      `${label} on ${this.url}`,
      timeout,
      async (wait) => {
        for (;;) {
          const found = this.events.find(predicate);
          if (found) return found;
          if (this.done)
            throw new Error(
              `stream ended before ${label}; got: ${this.events.map((e) => e.event).join(', ')}`,
            );
          await wait.race(
            new Promise<void>((resolve) => this.waiters.push(resolve)),
          );
        }
      },
      () =>
        `got so far: ${this.events.map((e) => e.event).join(', ') || 'nothing'}`,
    );
  }

  waitForEvent(event: string, timeout?: number): Promise<ReceivedEvent> {
    return this.waitFor((e) => e.event === event, `event "${event}"`, timeout);
  }

  /** Resolves once `count` events of this type arrived. */
  async waitForCount(
    event: string,
    count: number,
    timeout?: number,
  ): Promise<ReceivedEvent[]> {
    await this.waitFor(
      () => this.events.filter((e) => e.event === event).length >= count,
      `${count} x "${event}"`,
      timeout,
    );
    return this.events.filter((e) => e.event === event);
  }

  close(): void {
    this.abort.abort();
  }

  private async pump(): Promise<void> {
    if (!this.response.body) {
      forget(this.abort);
      return this.finish();
    }
    const decoder = new TextDecoder();
    try {
      for await (const chunk of this.response
        .body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        this.raw += text;
        this.feed(text);
      }
    } catch {
      // aborted by close(), or the server cut the connection
    }
    forget(this.abort);
    this.finish();
  }

  private finish(): void {
    this.done = true;
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  private feed(text: string): void {
    this.parser.feed(text);
    this.notify();
  }
}

/** The events a stream delivered to the application: not the stream's own (`connected`, `heartbeat`, `reset`, `close`). */
export const messages = (c: StreamClient): ReceivedEvent[] =>
  c.events.filter(
    (e) => !['connected', 'heartbeat', 'reset', 'close'].includes(e.event),
  );

/**
 * Opens `/sse/stream` on `app` with this exact token and waits for
 * `connected`; a refused connect fails with its status and body.
 */
export async function openStream(
  app: { url(path: string): string },
  token: string,
  query = '',
): Promise<{ client: StreamClient; clientId: string }> {
  const client = await StreamClient.open(
    app.url(`/sse/stream${query ? `?${query}` : ''}`),
    { authorization: `Bearer ${token}` },
  );
  if (client.status !== 200) {
    await client.ended;
    throw new Error(`stream refused: ${client.status} ${client.raw}`);
  }
  const connected = await client.waitForEvent('connected');
  return {
    client,
    clientId: (JSON.parse(connected.data) as { clientId: string }).clientId,
  };
}
