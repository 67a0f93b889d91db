import type { SseTestEvent } from './sse-test-event.js';

/**
 * Parses `text/event-stream` text as a browser does (the WHATWG rules: any
 * line ending, comments, `data` lines joined, an `id` containing NUL
 * ignored, a block without `data` not dispatched), and keeps the
 * Last-Event-ID the way `EventSource` does.
 */
export class EventStreamParser {
  /** The Last-Event-ID after the blocks seen so far ('' when reset or none). */
  lastEventId: string;
  private buffer = '';
  private block: {
    event?: string;
    id?: string;
    data: string[];
    retry?: number;
  } = { data: [] };

  constructor(lastEventId = '') {
    this.lastEventId = lastEventId;
  }

  /** Feeds decoded text; returns the events it completed, in order. */
  feed(text: string): SseTestEvent[] {
    this.buffer += text;
    const lines = this.buffer.split(/\r\n|\r(?!$)|\n/);
    this.buffer = lines.pop() ?? '';
    const events: SseTestEvent[] = [];
    for (const line of lines) {
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): SseTestEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.block.event = value;
    else if (field === 'data') this.block.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.block.id = value;
    else if (field === 'retry' && /^\d+$/.test(value))
      this.block.retry = Number(value);
    return undefined;
  }

  private dispatch(): SseTestEvent | undefined {
    const block = this.block;
    this.block = { data: [] };
    if (block.id !== undefined) this.lastEventId = block.id;
    if (block.data.length === 0) return undefined;
    const rawData = block.data.join('\n');
    return {
      event: block.event || 'message',
      id: block.id,
      data: parseData(rawData),
      rawData,
      ...(block.retry === undefined ? {} : { retry: block.retry }),
    };
  }
}

function parseData(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
