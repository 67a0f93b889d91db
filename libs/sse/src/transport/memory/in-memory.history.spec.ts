import { SseEnvelope } from '../../core/sse-envelope.js';
import { InMemorySseHistory } from './in-memory.history.js';

let clock = 0;
const envelope = (seq: number) =>
  new SseEnvelope(
    {
      id: `e-${seq}`,
      event: 'x',
      data: seq,
      target: { type: 'broadcast' },
      createdAt: new Date(clock),
    },
    String(seq),
    seq,
  );
const seqs = (read: { envelopes: SseEnvelope[] }) =>
  read.envelopes.map((e) => e.seq);

describe('InMemorySseHistory', () => {
  let history: InMemorySseHistory;
  beforeEach(() => {
    clock = 1_000_000;
    history = new InMemorySseHistory(3, 10_000, () => clock);
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
