import { MessageIdGenerator, parseCursor } from './message-id.js';

describe('MessageIdGenerator', () => {
  it('issues <epoch>-<sequence> ids, increasing by one, with a new epoch per instance', () => {
    const ids = new MessageIdGenerator();
    expect(ids.next()).toEqual({ id: `${ids.epoch}-1`, seq: 1 });
    expect(ids.next().id).toBe(`${ids.epoch}-2`);
    expect(ids.head).toBe(2);
    expect(new MessageIdGenerator().epoch).not.toBe(ids.epoch);
  });
});

describe('parseCursor', () => {
  it('parses ids of this format', () => {
    expect(parseCursor('0a1b2c3d4e-42')).toEqual({
      epoch: '0a1b2c3d4e',
      seq: 42,
    });
  });

  it.each([
    ['empty', ''],
    ['garbage', 'hello'],
    ['no sequence', 'abc-'],
    ['leading zero', 'abc-00'],
    ['negative', 'abc--1'],
    ['leading zeros', 'abc-007'],
    ['a fraction', 'abc-1.5'],
    ['uppercase epoch', 'ABC-1'],
    ['a newline', 'abc-1\n'],
    ['beyond 2^53', 'abc-9007199254740993'],
    ['huge', `abc-${'9'.repeat(10_000)}`],
    ['not a string', 42],
  ])('refuses %s', (_, value) => {
    expect(parseCursor(value)).toBeUndefined();
  });
});
