import { SseParser, type SseParsedEvent } from './sse-parser.js';

function parse(chunks: string[]): {
  events: SseParsedEvent[];
  retries: number[];
} {
  const events: SseParsedEvent[] = [];
  const retries: number[] = [];
  const parser = new SseParser(
    (e) => events.push(e),
    (ms) => retries.push(ms),
  );
  chunks.forEach((c) => parser.feed(c));
  return { events, retries };
}

/** Every way of cutting `text` in two, plus one chunk per character. */
function splits(text: string): string[][] {
  const all = [[text], [...text]];
  for (let i = 1; i < text.length; i++)
    all.push([text.slice(0, i), text.slice(i)]);
  return all;
}

describe('SseParser', () => {
  const stream =
    '\uFEFFretry: 2500\n' +
    ': a comment\r\n' +
    'event: connected\r\nid: e1-0\r\ndata: {"clientId":"c"}\r\n\r\n' +
    'event: note\rid: e1-7\rdata: line one\rdata: line two\r\r' +
    'event: heartbeat\nid: e1-7\ndata: {}\n\n' +
    'data:no space\n\n';

  it('reads the same events however the stream is cut into chunks (CR, LF and CRLF line ends)', () => {
    const expected = parse([stream]);
    expect(expected.events).toEqual([
      { event: 'connected', data: '{"clientId":"c"}', id: 'e1-0', hasId: true },
      { event: 'note', data: 'line one\nline two', id: 'e1-7', hasId: true },
      { event: 'heartbeat', data: '{}', id: 'e1-7', hasId: true },
      { event: 'message', data: 'no space', id: 'e1-7', hasId: false },
    ]);
    expect(expected.retries).toEqual([2500]);
    for (const chunks of splits(stream))
      expect(parse(chunks)).toEqual(expected);
  });

  it('ignores comments, blocks without data, unknown fields and a non-numeric retry', () => {
    const { events, retries } = parse([
      ':heartbeat\n\nfoo: bar\nretry: 1s\nid: e1-3\n\nevent: x\ndata\n\n',
    ]);
    expect(retries).toEqual([]);
    // The data-less block moved the id; `data` without a colon is an empty line of data.
    expect(events).toEqual([
      { event: 'x', data: '', id: 'e1-3', hasId: false },
    ]);
  });

  it('does not dispatch an event until its blank line arrives', () => {
    const events: SseParsedEvent[] = [];
    const parser = new SseParser((e) => events.push(e));
    parser.feed('event: a\ndata: 1\n');
    expect(events).toEqual([]);
    parser.feed('\n');
    expect(events).toHaveLength(1);
  });

  it('ignores an id that contains NUL', () => {
    const { events } = parse(['id: ok-1\ndata: a\n\nid: bad\0\ndata: b\n\n']);
    expect(events.map((e) => e.id)).toEqual(['ok-1', 'ok-1']);
  });
});
