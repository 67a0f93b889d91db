/** One event of a `text/event-stream`, as dispatched by the parser. */
export interface SseParsedEvent {
  /** The `event:` field, `'message'` when absent. */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The stream's last event id once this event was read (ids persist across events). */
  id: string;
  /** Whether this event block carried an `id:` field itself. */
  hasId: boolean;
}

/**
 * An incremental parser of `text/event-stream` as the HTML standard defines
 * it: chunks may split anywhere (inside a field, between CR and LF), lines end
 * with LF, CR or CRLF, a leading BOM is skipped, comments (`:`) are ignored,
 * `data:` lines accumulate, `retry:` is reported as soon as it is read (digits
 * only), and an `id:` containing NUL is ignored. A block without `data:` is not
 * dispatched, but its `id:` still moves the last event id.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export class SseParser {
  private buffer = '';
  private started = false;
  /** A CR ended the previous chunk: a LF at the start of the next belongs to it. */
  private pendingCr = false;
  private event = '';
  private data: string[] = [];
  private blockHasId = false;
  private lastId = '';

  constructor(
    private readonly onEvent: (event: SseParsedEvent) => void,
    private readonly onRetry: (ms: number) => void = () => undefined,
  ) {}

  /** The last event id seen so far. */
  get lastEventId(): string {
    return this.lastId;
  }

  /** Feeds decoded text; dispatches every event it completes. */
  feed(chunk: string): void {
    let text = chunk;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    if (!this.started && (this.buffer + text).length > 0) {
      text = this.buffer + text;
      this.buffer = '';
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.started = true;
    } else {
      text = this.buffer + text;
      this.buffer = '';
    }
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code !== 10 && code !== 13) continue;
      this.line(text.slice(start, i));
      if (code === 13) {
        if (i + 1 === text.length) this.pendingCr = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.buffer = text.slice(start);
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.lastId = value;
          this.blockHasId = true;
        }
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.onRetry(Number(value));
        break;
    }
  }

  private dispatch(): void {
    const { event, data, blockHasId } = this;
    this.event = '';
    this.data = [];
    this.blockHasId = false;
    if (data.length === 0) return;
    this.onEvent({
      event: event || 'message',
      data: data.join('\n'),
      id: this.lastId,
      hasId: blockHasId,
    });
  }
}
