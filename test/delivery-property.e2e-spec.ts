import { EventSource } from 'eventsource';
import type { SseWriter } from 'nestjs-sse-broker';
import {
  deleteKeys,
  describeWithRedis,
  REDIS_URL,
  redisClient,
  testPrefix,
} from './utils/redis.js';
import {
  ADAPTERS,
  RUNS,
  startApp,
  until,
  type TestApp,
  type TestAppOptions,
} from './utils/sse-test-app.js';

/**
 * Property: under random disconnects, every client's received sequence equals
 * the messages addressed to it, in order, without duplicates — except inside
 * the window of a `reset`, and a `reset` comes exactly when the history could
 * not cover the client's absence.
 */

const HISTORY_SIZE = 40;
const MESSAGES = 3_000;
const BATCH = 10;

/** Small seeded PRNG (mulberry32), so that a failure can be replayed with its seed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Published {
  seq: number;
  kind: 'user' | 'topic' | 'broadcast';
  key: string;
}

interface Seen {
  type: 'connected' | 'm' | 'reset' | 'end';
  seq: number;
  data: string;
}

interface Client {
  name: string;
  sub: string;
  topics: string[];
  source: EventSource;
  seen: Seen[];
  clientId?: string;
  /** While set, the client's reconnect waits: it is "offline". */
  offline?: { until: number; release: () => void; gate: Promise<void> };
}

const seqOf = (id: string) => Number(id.split('-')[1]);

/** Opens an EventSource that (re)connects to one of `apps`, chosen by `pick` each time. */
function openClient(
  apps: TestApp[],
  pickApp: () => TestApp,
  name: string,
  sub: string,
  topics: string[],
): Client {
  const token = apps[0].token({ sub });
  const path = `/sse/stream${topics.length ? `?topics=${topics.join(',')}` : ''}`;
  const client = { name, sub, topics, seen: [] } as unknown as Client;
  client.source = new EventSource(apps[0].url(path), {
    fetch: async (_input, init) => {
      await client.offline?.gate;
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(pickApp().url(path), { ...init, headers });
    },
  });
  const source = client.source;
  for (const type of ['connected', 'm', 'reset', 'end'] as const) {
    source.addEventListener(type, (e) => {
      client.seen.push({ type, seq: seqOf(e.lastEventId), data: e.data });
      if (type === 'connected')
        client.clientId = (JSON.parse(e.data) as { clientId: string }).clientId;
    });
  }
  return client;
}

function addressedTo(client: Client, p: Published): boolean {
  return (
    p.kind === 'broadcast' ||
    (p.kind === 'user' && p.key === client.sub) ||
    (p.kind === 'topic' && client.topics.includes(p.key))
  );
}

/** Returns the problems found in one client's sequence (empty when the property holds). */
function check(client: Client, log: Published[]): string[] {
  const problems: string[] = [];
  const messages = client.seen.filter((s) => s.type === 'm');
  const received = new Set(messages.map((m) => m.seq));
  messages.forEach((m, i) => {
    if (i > 0 && m.seq <= messages[i - 1].seq)
      problems.push(
        `out of order or duplicate: ${m.seq} after ${messages[i - 1].seq}`,
      );
  });
  const expected = log.filter((p) => addressedTo(client, p));
  const expectedSeqs = new Set(expected.map((p) => p.seq));
  for (const m of messages)
    if (!expectedSeqs.has(m.seq))
      problems.push(`received ${m.seq}, not addressed to it`);

  // Each reset: the cursor the client sent, and the head it was moved to.
  const windows = client.seen
    .filter((s) => s.type === 'reset')
    .map((s) => ({
      from: seqOf((JSON.parse(s.data) as { cursor: string }).cursor),
      to: s.seq,
    }));
  for (const p of expected) {
    if (received.has(p.seq)) continue;
    if (!windows.some((w) => w.from < p.seq && p.seq <= w.to))
      problems.push(`lost ${p.seq} without a reset`);
  }
  // A reset is due exactly when one of the client's targets had more than
  // HISTORY_SIZE messages after the cursor: the history could not cover it.
  const targets = [
    (p: Published) => p.kind === 'user' && p.key === client.sub,
    (p: Published) => p.kind === 'broadcast',
    ...client.topics.map(
      (topic) => (p: Published) => p.kind === 'topic' && p.key === topic,
    ),
  ];
  const reconnects = client.seen.filter((s) => s.type === 'connected').slice(1);
  for (const w of windows) {
    const overflowed = targets.some(
      (of) =>
        log.filter((p) => of(p) && p.seq > w.from && p.seq <= w.to).length >
        HISTORY_SIZE,
    );
    if (!overflowed)
      problems.push(
        `reset at ${w.to} from ${w.from} although the history covered it`,
      );
  }
  if (reconnects.length === 0)
    problems.push('never reconnected: the run did not exercise replay');
  return problems;
}

describe.each(RUNS)(
  'delivery property under random disconnects (%s writer, %s)',
  (writer, adapter) => property({ writer, adapter }, 1),
);

describeWithRedis.each(ADAPTERS)(
  'delivery property under random disconnects (Redis transport, two instances, %s)',
  (adapter) => {
    const prefix = testPrefix();
    afterAll(async () => {
      const redis = redisClient();
      await deleteKeys(redis, prefix);
      redis.disconnect();
    });
    property(
      {
        writer: 'direct' as SseWriter,
        adapter,
        transport: { type: 'redis', url: REDIS_URL!, keyPrefix: prefix },
      },
      2,
    );
  },
);

/**
 * Runs the property on `instances` applications sharing `options`: each
 * (re)connect and each publish goes to a random one of them.
 */
function property(options: TestAppOptions, instances: number): void {
  let apps: TestApp[] = [];
  beforeAll(async () => {
    for (let i = 0; i < instances; i++) {
      apps.push(
        await startApp({
          retry: 5,
          history: { size: HISTORY_SIZE, ttl: 600_000 },
          clientBufferSize: 1_024,
          ...options,
        }),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    apps = [];
  });

  it(`delivers ${MESSAGES} messages to every client exactly, or says reset where the window was exceeded`, async () => {
    const seed = Number(
      process.env.SSE_PROPERTY_SEED ?? Date.now() % 1_000_000,
    );
    const rand = random(seed);
    const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)];
    const anyApp = () => pick(apps);
    const open = (name: string, sub: string, topics: string[]) =>
      openClient(apps, anyApp, name, sub, topics);
    const users = ['u0', 'u1', 'u2'];
    const topics = ['t0', 't1', 't2', 't3'];
    const clients = [
      open('a', 'u0', ['t0', 't1']),
      open('b', 'u0', []),
      open('c', 'u1', ['t1', 't2', 't3']),
      open('d', 'u2', ['t3']),
      open('e', 'u2', ['t0']),
    ];
    const sends: Promise<unknown>[] = [];
    await until(() => clients.every((c) => c.clientId !== undefined));

    const log: Published[] = [];
    while (log.length < MESSAGES) {
      // Published synchronously per batch: the library's promise resolves later,
      // but the message is dispatched (and retained) before the call returns.
      for (let i = 0; i < BATCH; i++) {
        const r = rand();
        const kind = r < 0.45 ? 'user' : r < 0.9 ? 'topic' : 'broadcast';
        const key =
          kind === 'user' ? pick(users) : kind === 'topic' ? pick(topics) : '';
        const { broker } = anyApp();
        const sent =
          kind === 'user'
            ? broker.sendToUser(key, 'm', log.length)
            : kind === 'topic'
              ? broker.sendToTopic(key, 'm', log.length)
              : broker.broadcast('m', log.length);
        log.push({ seq: 0, kind, key });
        sends.push(sent.then((m) => (log[m.data as number].seq = seqOf(m.id))));
      }
      const batch = log.length / BATCH;
      for (const c of clients) {
        if (c.offline && c.offline.until <= batch) {
          c.offline.release();
          c.offline = undefined;
        }
      }
      if (rand() < 0.15) {
        const victim = pick(clients);
        if (victim.clientId && !victim.offline) {
          // Away for one turn, or offline for up to 60 batches (some longer than the history).
          if (rand() < 0.3) {
            let release!: () => void;
            const gate = new Promise<void>((resolve) => (release = resolve));
            victim.offline = {
              until: batch + 1 + Math.floor(rand() * 60),
              release,
              gate,
            };
          }
          // Synchronous on the memory transport; a control command on Redis.
          sends.push(apps[0].broker.disconnect(victim.clientId!));
        }
      }
      // Some disconnects last longer than others: a few turns, or a few milliseconds.
      await new Promise((resolve) =>
        rand() < 0.8
          ? setImmediate(resolve)
          : setTimeout(resolve, Math.floor(rand() * 15)),
      );
    }
    clients.forEach((c) => c.offline?.release());
    await Promise.all(sends);
    const end = await anyApp().broker.broadcast('end', null);
    // Done when 'end' arrived, or a reset told the client to reload past it.
    const ended = (c: Client) =>
      c.seen.some(
        (e) =>
          (e.type === 'end' || e.type === 'reset') && e.seq >= seqOf(end.id),
      );
    const deadline = Date.now() + 20_000;
    await until(() => clients.every(ended) || Date.now() > deadline);
    const stuck = clients.filter((c) => !ended(c));
    if (stuck.length > 0) {
      const last = (c: Client) =>
        JSON.stringify(c.seen.slice(-3)) + ` readyState ${c.source.readyState}`;
      throw new Error(
        `seed ${seed}: no 'end' for ${stuck.map((c) => `${c.name} ${last(c)}`).join('; ')}`,
      );
    }
    clients.forEach((c) => c.source.close());

    const problems = clients.flatMap((c) =>
      check(c, log).map((p) => `client ${c.name}: ${p}`),
    );
    const resets = clients.reduce(
      (n, c) => n + c.seen.filter((s) => s.type === 'reset').length,
      0,
    );
    if (problems.length > 0)
      throw new Error(`seed ${seed}:\n${problems.slice(0, 20).join('\n')}`);
    expect(problems).toEqual([]);
    // The run must have exercised both replays and resets.
    expect(
      clients.reduce(
        (n, c) => n + c.seen.filter((s) => s.type === 'connected').length,
        0,
      ),
    ).toBeGreaterThan(clients.length + 10);
    expect(resets).toBeGreaterThan(0);
  }, 120_000);
}
