import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SseAnyEvents, SseEventMap } from '../index.js';
import { EventStreamParser } from './event-stream.parser.js';
import type {
  SseTestEvent,
  SseTestEventName,
  SseTestEventOf,
} from './sse-test-event.js';

/** The stream was refused: its HTTP status and JSON body (`code`, `message`). @publicApi */
export class SseTestConnectionError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`the stream was refused: ${status} ${JSON.stringify(body)}`);
    this.name = 'SseTestConnectionError';
  }
}

/** Where and how a {@link TestStream} connects. */
export interface SseTestConnection {
  url: URL;
  headers: () => Record<string, string>;
  timeoutMs: number;
}

/**
 * A stream opened by a test, read as a browser reads it. Every event is kept
 * in `events`; `next` and `expectEvent` read forward from the last event
 * either of them returned, so each call sees events after the previous
 * one's, whether they arrived before the call or after it. Heartbeats are
 * kept but skipped by `next()` without a name.
 *
 * `Events` (the application's event map) types the names and the data.
 * @publicApi
 */
export interface SseTestClient<Events extends SseEventMap = SseAnyEvents> {
  /** Every event received (the stream's own included), in order, across reconnects. */
  readonly events: readonly SseTestEvent[];
  /** The Last-Event-ID a browser would send now; undefined when there is none. */
  readonly lastId: string | undefined;
  /** The id of the current stream, from its `connected` event (for `sendToClient`). */
  readonly clientId: string;
  /** Whether the current stream is open (false once the server or `close()` ended it). */
  readonly isOpen: boolean;
  /**
   * The next event after the last one read, or the next one named `event`
   * (skipping others). Rejects after `timeoutMs`, or when the stream ends
   * first, listing what was received.
   */
  next<
    T = unknown,
    K extends SseTestEventName<Events> = SseTestEventName<Events>,
  >(
    event?: K,
    timeoutMs?: number,
  ): Promise<SseTestEventOf<Events, K, T>>;
  expectEvent<
    T = unknown,
    K extends SseTestEventName<Events> = SseTestEventName<Events>,
  >(
    event: K,
    predicate?: (
      data: SseTestEventOf<Events, K, T>['data'],
      received: SseTestEventOf<Events, K, T>,
    ) => boolean,
    timeoutMs?: number,
  ): Promise<SseTestEventOf<Events, K, T>>;
  /**
   * Closes the current stream and opens a new one with `Last-Event-ID` set
   * to `lastId` (or `lastEventId`), as a browser reconnects; resolves on its
   * `connected` event, after which reads continue with what the new stream
   * sends (its replay, or `reset`). A signed token is signed anew.
   */
  reconnect(lastEventId?: string): Promise<void>;
  /** Closes the stream (the server sees `client_closed`). Safe to call twice. */
  close(): Promise<void>;
}

/** The test client: one stream at a time, over `node:http`. */
export class TestStream<
  Events extends SseEventMap,
> implements SseTestClient<Events> {
  private readonly received: SseTestEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private parser = new EventStreamParser();
  private cursor = 0;
  private request?: ClientRequest;
  private response?: IncomingMessage;
  private open = false;
  private id = '';

  constructor(private readonly connection: SseTestConnection) {}

  get events(): readonly SseTestEvent[] {
    return this.received;
  }

  get lastId(): string | undefined {
    return this.parser.lastEventId || undefined;
  }

  get clientId(): string {
    return this.id;
  }

  get isOpen(): boolean {
    return this.open;
  }

  next<
    T = unknown,
    K extends SseTestEventName<Events> = SseTestEventName<Events>,
  >(event?: K, timeoutMs?: number): Promise<SseTestEventOf<Events, K, T>> {
    return this.take(
      (e) =>
        event === undefined ? e.event !== 'heartbeat' : e.event === event,
      event === undefined ? 'the next event' : `"${event}"`,
      timeoutMs,
    ) as Promise<SseTestEventOf<Events, K, T>>;
  }

  expectEvent<
    T = unknown,
    K extends SseTestEventName<Events> = SseTestEventName<Events>,
  >(
    event: K,
    predicate?: (
      data: SseTestEventOf<Events, K, T>['data'],
      received: SseTestEventOf<Events, K, T>,
    ) => boolean,
    timeoutMs?: number,
  ): Promise<SseTestEventOf<Events, K, T>> {
    const match = (e: SseTestEvent) =>
      e.event === event &&
      (predicate === undefined ||
        predicate(
          e.data as SseTestEventOf<Events, K, T>['data'],
          e as SseTestEventOf<Events, K, T>,
        ));
    return this.take(
      match,
      predicate ? `"${event}" matching the predicate` : `"${event}"`,
      timeoutMs,
    ) as Promise<SseTestEventOf<Events, K, T>>;
  }

  async reconnect(lastEventId = this.lastId): Promise<void> {
    await this.close();
    await this.connect(lastEventId);
  }

  close(): Promise<void> {
    const { request, response } = this;
    this.request = this.response = undefined;
    if (!request) return Promise.resolve();
    return new Promise((resolve) => {
      const target = response ?? request;
      if (target.destroyed && !this.open) return resolve();
      target.once('close', () => resolve());
      request.destroy();
      response?.destroy();
    });
  }

  /** Opens the stream and waits for its `connected` event. */
  async connect(lastEventId: string | undefined): Promise<void> {
    const { url, headers, timeoutMs } = this.connection;
    const from = this.received.length;
    this.parser = new EventStreamParser(lastEventId ?? '');
    const response = await this.send(
      url,
      {
        accept: 'text/event-stream',
        ...headers(),
        ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
      },
      timeoutMs,
    );
    this.response = response;
    this.open = true;
    response.setEncoding('utf8');
    response.on('data', (text: string) => {
      this.received.push(...this.parser.feed(text));
      this.notify();
    });
    response.once('close', () => {
      this.open = false;
      this.notify();
    });
    response.on('error', () => undefined);
    this.cursor = from;
    try {
      const connected = await this.next('connected', timeoutMs);
      this.id = (connected.data as { clientId: string }).clientId;
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  private send(
    url: URL,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<IncomingMessage> {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(url, { headers, agent: false });
      this.request = request;
      const timer = setTimeout(() => {
        request.destroy();
        reject(
          new Error(
            `connectSseTestClient: no response from ${url.pathname} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      request.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      request.once('response', (response) => {
        clearTimeout(timer);
        if (response.statusCode === 200) return resolve(response);
        this.request = undefined;
        readBody(response).then(
          (body) =>
            reject(new SseTestConnectionError(response.statusCode!, body)),
          reject,
        );
      });
      request.end();
    });
  }

  /** Resolves with the first event after the cursor that matches, and moves the cursor past it. */
  private take(
    match: (e: SseTestEvent) => boolean,
    label: string,
    timeoutMs = this.connection.timeoutMs,
  ): Promise<SseTestEvent> {
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      const check = () => {
        let index: number;
        try {
          index = this.received.findIndex(
            (e, i) => i >= this.cursor && match(e),
          );
        } catch (err) {
          // A predicate that throws fails its wait, not the socket's listener.
          finish();
          return reject(err as Error);
        }
        if (index >= 0) {
          finish();
          this.cursor = index + 1;
          return resolve(this.received[index]);
        }
        if (!this.open) {
          finish();
          reject(new Error(`the stream ended before ${label}; ${this.seen()}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${label}; ${this.seen()}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  private notify(): void {
    // A check that finds its event removes itself; Set iteration allows that.
    for (const check of this.waiters) check();
  }

  /** What was received since the cursor (heartbeats counted, not listed), for error messages. */
  private seen(): string {
    const unread = this.received.slice(this.cursor);
    const events = unread.filter((e) => e.event !== 'heartbeat');
    const beats = unread.length - events.length;
    const list = events
      .map((e) => `${e.event} ${truncate(e.rawData)}`)
      .join(', ');
    return (
      `received ${list || 'nothing'} since the last read` +
      (beats > 0 ? ` (and ${plural(beats, 'heartbeat')})` : '') +
      `; ${plural(this.cursor, 'event')} read before`
    );
  }
}

function readBody(response: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      if (text.length < 65_536) text += chunk;
    });
    response.once('end', () => {
      try {
        resolve(JSON.parse(text) as unknown);
      } catch {
        resolve(text);
      }
    });
    response.once('error', reject);
  });
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function truncate(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
