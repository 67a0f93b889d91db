import { SseEnvelope } from '../../core/sse-envelope.js';
import { InMemorySseHistory } from './in-memory.history.js';

let clock = 0;
const envelope = (seq: number, json = String(seq)) =>
  new SseEnvelope(
    {
      id: `e-${seq}`,
      event: 'x',
      data: seq,
      target: { type: 'broadcast' },
      createdAt: new Date(clock),
    },
    json,
    seq,
  );
const seqs = (read: { envelopes: SseEnvelope[] }) =>
  read.envelopes.map((e) => e.seq);

describe('InMemorySseHistory', () => {
  let history: InMemorySseHistory;
  beforeEach(() => {
    clock = 1_000_000;
    history = new InMemorySseHistory(
      { size: 3, ttl: 10_000, maxBytes: Number.MAX_SAFE_INTEGER },
      () => clock,
    );
  });
  afterEach(() => history.close());

  it('returns the messages after a cursor, in order, and complete while nothing was evicted', async () => {
    [1, 2, 3].forEach((seq) => history.append('a', envelope(seq)));
    expect(await history.read(['a'], 0)).toMatchObject({ complete: true });
    expect(seqs(await history.read(['a'], 1))).toEqual([2, 3]);
    expect(seqs(await history.read(['a'], 3))).toEqual([]);
  });

  it('keeps at most size messages per target and reports a gap only for cursors before the eviction', async () => {
    [1, 2, 3, 4, 5].forEach((seq) => history.append('a', envelope(seq)));
    expect(await history.read(['a'], 1)).toMatchObject({ complete: false });
    expect(await history.read(['a'], 2)).toMatchObject({ complete: true });
    expect(seqs(await history.read(['a'], 2))).toEqual([3, 4, 5]);
  });

  it('stays bounded and correct over many evictions', async () => {
    for (let seq = 1; seq <= 10_000; seq++) history.append('a', envelope(seq));
    expect(seqs(await history.read(['a'], 0))).toEqual([9_998, 9_999, 10_000]);
    expect(await history.read(['a'], 9_996)).toMatchObject({ complete: false });
    expect(await history.read(['a'], 9_997)).toMatchObject({ complete: true });
  });

  it('bounds each target separately and merges several targets in sequence order', async () => {
    history.append('a', envelope(1));
    history.append('b', envelope(2));
    history.append('a', envelope(3));
    [4, 5, 6, 7].forEach((seq) => history.append('b', envelope(seq)));
    const read = await history.read(['a', 'b', 'missing'], 0);
    expect(seqs(read)).toEqual([1, 3, 5, 6, 7]);
    expect(read.complete).toBe(false);
    expect(await history.read(['a'], 0)).toMatchObject({ complete: true });
    expect(seqs(await history.read(['a', 'b'], 4))).toEqual([5, 6, 7]);
  });

  it('drops messages older than ttl, reporting the gap', async () => {
    history.append('a', envelope(1));
    clock += 6_000;
    history.append('a', envelope(2));
    clock += 5_000;
    const read = await history.read(['a'], 0);
    expect(seqs(read)).toEqual([2]);
    expect(read.complete).toBe(false);
    expect(await history.read(['a'], 1)).toMatchObject({ complete: true });
  });

  it('releases targets whose messages all expired, and still reports cursors older than them as gaps', async () => {
    history.append('gone', envelope(1));
    history.append('kept', envelope(2));
    clock += 5_000;
    history.append('kept', envelope(3));
    clock += 6_000;
    history.sweep();
    expect(history.targetCount).toBe(1);
    expect(await history.read(['gone'], 0)).toMatchObject({
      envelopes: [],
      complete: false,
    });
    expect(await history.read(['kept'], 2)).toMatchObject({ complete: true });
  });

  it('does not grow with targets that stop publishing', () => {
    for (let i = 0; i < 1_000; i++)
      history.append(`user-${i}`, envelope(i + 1));
    clock += 20_000;
    history.sweep();
    expect(history.targetCount).toBe(0);
  });
});

describe('InMemorySseHistory bounded by maxBytes', () => {
  const histories: InMemorySseHistory[] = [];
  const create = (maxBytes: number, size = 1_000) => {
    const history = new InMemorySseHistory(
      { size, ttl: 10_000, maxBytes },
      () => clock,
    );
    histories.push(history);
    return history;
  };
  /** What one target holding one message of `json` counts for. */
  const oneTarget = (json = '1') => {
    const probe = create(Number.MAX_SAFE_INTEGER);
    probe.append('a', envelope(1, json));
    return probe.retainedBytes;
  };
  beforeEach(() => (clock = 1_000_000));
  afterEach(() => histories.splice(0).forEach((h) => h.close()));

  it('counts each message and target, and counts nothing once all is released', () => {
    const history = create(Number.MAX_SAFE_INTEGER);
    const pad = 'p'.repeat(10_000);
    history.append('a', envelope(1, pad));
    // The frame, and the data as published beside it.
    expect(history.retainedBytes).toBeGreaterThan(2 * pad.length);
    history.append('b', envelope(2));
    history.append('a', envelope(3));
    expect(history.retainedBytes).toBeLessThan(2 * pad.length + 4_000);
    clock += 20_000;
    history.sweep();
    expect(history.retainedBytes).toBe(0);
  });

  it('releases whole targets, least recently published to first, to stay within maxBytes', async () => {
    const history = create(3 * oneTarget());
    history.append('a', envelope(1));
    history.append('b', envelope(2));
    history.append('c', envelope(3));
    expect(history.targetCount).toBe(3);
    history.append('a', envelope(4));

    expect(history.retainedBytes).toBeLessThanOrEqual(3 * oneTarget());
    expect(history.targetCount).toBe(2);
    expect(await history.read(['b'], 0)).toEqual({
      envelopes: [],
      complete: false,
    });
    expect(seqs(await history.read(['a'], 0))).toEqual([1, 4]);
    expect(seqs(await history.read(['c'], 0))).toEqual([3]);
  });

  it('reports a released target as a gap only to cursors older than its last message', async () => {
    const history = create(2 * oneTarget());
    history.append('a', envelope(1));
    history.append('b', envelope(2));
    history.append('c', envelope(3));
    expect(await history.read(['a'], 0)).toMatchObject({ complete: false });
    expect(await history.read(['a'], 1)).toEqual({
      envelopes: [],
      complete: true,
    });
  });

  it('answers for a retained target exactly after other targets were released', async () => {
    const history = create(3 * oneTarget());
    history.append('kept', envelope(1));
    history.append('gone', envelope(2));
    history.append('kept', envelope(3));
    history.append('new', envelope(4));

    expect(history.targetCount).toBe(2);
    expect(await history.read(['kept'], 0)).toMatchObject({ complete: true });
    expect(seqs(await history.read(['kept'], 0))).toEqual([1, 3]);
    expect(await history.read(['gone'], 1)).toMatchObject({ complete: false });
  });

  it('still reports what a released target lost once it is published to again', async () => {
    const history = create(2 * oneTarget());
    history.append('a', envelope(1));
    history.append('b', envelope(2));
    history.append('c', envelope(3));
    history.append('a', envelope(4));

    expect(seqs(await history.read(['a'], 0))).toEqual([4]);
    expect(await history.read(['a'], 0)).toMatchObject({ complete: false });
  });

  it('drops the oldest messages of a target that alone outgrows maxBytes', async () => {
    const history = create(4 * oneTarget());
    for (let seq = 1; seq <= 9; seq++) history.append('a', envelope(seq));

    expect(history.retainedBytes).toBeLessThanOrEqual(4 * oneTarget());
    const read = await history.read(['a'], 0);
    expect(read.complete).toBe(false);
    expect(seqs(read).at(-1)).toBe(9);
    expect(await history.read(['a'], seqs(read)[0] - 1)).toMatchObject({
      complete: true,
    });
  });

  it('stays within maxBytes whatever the number of targets published to', async () => {
    const json = JSON.stringify('d'.repeat(1_000));
    const maxBytes = 100 * oneTarget(json);
    const history = create(maxBytes);
    for (let seq = 1; seq <= 10_000; seq++) {
      history.append(`made-up-${seq}`, envelope(seq, json));
      expect(history.retainedBytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(history.targetCount).toBeLessThanOrEqual(100);
    expect(history.targetCount).toBeGreaterThan(90);
    expect(seqs(await history.read(['made-up-10000'], 9_999))).toEqual([
      10_000,
    ]);
    expect(await history.read(['made-up-1'], 0)).toMatchObject({
      complete: false,
    });
  });
});
