import { changedTopics, selectStreams } from './stream-control.util.js';

const streams = [
  { id: 'a1', userId: 'ana', tenantId: 't' },
  { id: 'a2', userId: 'ana', tenantId: 't' },
  { id: 'b1', userId: 'bob', tenantId: 't' },
  { id: 'n1', userId: 'ana' },
];
const lookup = {
  client: (id: string) => streams.find((s) => s.id === id),
  clientsOfUser: (userId: string, tenantId: string | undefined) => {
    const found = streams.filter(
      (s) => s.userId === userId && s.tenantId === tenantId,
    );
    return found.length > 0 ? new Set(found) : undefined;
  },
};
const ids = (select: Parameters<typeof selectStreams>[0]) =>
  selectStreams(select, lookup).map((s) => s.id);

describe('selectStreams', () => {
  it("selects every stream of a user in its tenant, and none of another tenant's user of the same id", () => {
    expect(ids({ userId: 'ana', tenantId: 't' })).toEqual(['a1', 'a2']);
    expect(ids({ userId: 'ana' })).toEqual(['n1']);
    expect(ids({ userId: 'nobody', tenantId: 't' })).toEqual([]);
  });

  it("selects one stream only for its own user and tenant, so another's looks like a missing one", () => {
    expect(ids({ clientId: 'a1', userId: 'ana', tenantId: 't' })).toEqual([
      'a1',
    ]);
    expect(ids({ clientId: 'b1', userId: 'ana', tenantId: 't' })).toEqual([]);
    expect(ids({ clientId: 'a1', userId: 'ana' })).toEqual([]);
    expect(ids({ clientId: 'zz', userId: 'ana', tenantId: 't' })).toEqual([]);
    expect(ids({ clientId: 'a1', tenantId: 'other' })).toEqual([]);
    expect(ids({ clientId: 'a1', anyTenant: true })).toEqual(['a1']);
  });

  it('selects nothing without a client or a user', () => {
    expect(ids({ tenantId: 't' })).toEqual([]);
  });
});

describe('changedTopics', () => {
  it('adds new topics after the kept ones, without repeats, and removes', () => {
    expect(changedTopics(['a', 'b'], ['c', 'a', 'c'], ['b'], 10)).toEqual({
      topics: ['a', 'c'],
      added: ['c'],
      removed: ['b'],
    });
  });

  it('removes a topic named in both lists', () => {
    expect(changedTopics(['a'], ['b'], ['b', 'a'], 10)).toEqual({
      topics: [],
      added: [],
      removed: ['a'],
    });
  });

  it('answers undefined when nothing changes', () => {
    expect(changedTopics(['a'], ['a'], ['x'], 10)).toBeUndefined();
  });

  it('refuses a change past the limit, counting what is removed first', () => {
    expect(changedTopics(['a', 'b'], ['c'], [], 2)).toBe('too_many');
    expect(changedTopics(['a', 'b'], ['c'], ['a'], 2)).toMatchObject({
      topics: ['b', 'c'],
    });
  });
});
