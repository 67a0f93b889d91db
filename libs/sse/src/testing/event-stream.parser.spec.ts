import { EventStreamParser } from './event-stream.parser.js';

describe('EventStreamParser (the testing kit reads streams as a browser does)', () => {
  it('parses JSON data, keeps the raw text, and follows the id for Last-Event-ID', () => {
    const parser = new EventStreamParser();
    const events = parser.feed(
      'retry: 100\nevent: order\nid: 1-1\ndata: {"a":1}\n\n',
    );
    expect(events).toEqual([
      {
        event: 'order',
        id: '1-1',
        data: { a: 1 },
        rawData: '{"a":1}',
        retry: 100,
      },
    ]);
    expect(parser.lastEventId).toBe('1-1');
  });

  it('joins data lines, defaults the name to message, keeps text that is not JSON, skips comments', () => {
    const parser = new EventStreamParser('0-9');
    const events = parser.feed(': ping\ndata: one\ndata: two\n\n');
    expect(events).toEqual([
      {
        event: 'message',
        id: undefined,
        data: 'one\ntwo',
        rawData: 'one\ntwo',
      },
    ]);
    expect(parser.lastEventId).toBe('0-9');
  });

  it('completes blocks split across chunks, CRLF split between its CR and LF included', () => {
    const parser = new EventStreamParser();
    expect(parser.feed('event: a\r')).toEqual([]);
    expect(parser.feed('\ndata: 1\r\n\r')).toEqual([]);
    expect(parser.feed('\n')).toEqual([
      { event: 'a', id: undefined, data: 1, rawData: '1' },
    ]);
  });

  it('ignores an id with NUL and dispatches nothing for a block without data', () => {
    const parser = new EventStreamParser('keep');
    expect(parser.feed('id: bad\0id\ndata: x\n\nid: 5\n\n')).toEqual([
      { event: 'message', id: undefined, data: 'x', rawData: 'x' },
    ]);
    expect(parser.lastEventId).toBe('5');
  });
});
