import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WAIT_TIMEOUT, waitFor } from '../utils/resources.js';
import {
  deleteKeys,
  describeWithRedis,
  OwnRedisServer,
  REDIS_SERVER_AVAILABLE,
  REDIS_URL,
  redisClient,
  testPrefix,
} from '../utils/redis.js';
import { TcpProxy } from '../utils/tcp-proxy.js';
import {
  createSchema,
  DATABASES,
  type DatabaseKind,
  type DemoApp,
  type DemoStream,
  startDemo,
} from './demo-app.js';
import { START_TIMEOUT_MS } from './start-timeout.js';

/** Short retries, so that the relay notices Redis back soon after it is. */
const RELAY_ENV = { OUTBOX_MAX_BACKOFF_MS: '300' };

async function notify(demo: DemoApp, from: string, title: string) {
  return demo
    .http()
    .post('/notifications')
    .set('Authorization', `Bearer ${from}`)
    .send({ recipientId: 'bob', title, body: '' });
}

/** Waits until the broker says what `ready` says (bounded). */
function readiness(demo: DemoApp, ready: boolean): Promise<void> {
  return waitFor(`broker ready = ${ready}`, WAIT_TIMEOUT, async (wait) => {
    while (demo.broker.isReady() !== ready)
      await wait.race(new Promise((resolve) => setTimeout(resolve, 20)));
  });
}

/** The notifications titled `title` the stream received, after a later marker proved nothing else is on its way. */
async function receivedOnce(
  demo: DemoApp,
  stream: DemoStream,
  title: string,
): Promise<number> {
  await stream.expectEvent('notification', (n) => n.title === title);
  await demo.broker.sendToUser('bob', 'marker', null, { tenantId: 'acme' });
  await stream.expectEvent('marker');
  return stream.events.filter(
    (e) =>
      e.event === 'notification' &&
      (e.data as { title: string }).title === title,
  ).length;
}

const describeWithOwnRedis = REDIS_SERVER_AVAILABLE ? describe : describe.skip;

describe.each(DATABASES)('demo outbox (%s)', (kind: DatabaseKind) => {
  describeWithOwnRedis(
    'when Redis stops between the commit and the publish',
    () => {
      it(
        'delivers the committed notification to the open page once Redis is back, exactly once',
        async () => {
          const redis = await OwnRedisServer.start();
          const demo = await startDemo(kind, {
            ...RELAY_ENV,
            REDIS_URL: redis.url,
            SSE_REDIS_PREFIX: testPrefix(),
          });
          try {
            const [alice, bob] = [
              await demo.login('alice'),
              await demo.login('bob'),
            ];
            const stream = await demo.stream(bob);

            await redis.stop();
            await readiness(demo, false);
            const sent = await notify(demo, alice, 'Sent while Redis was down');
            expect(sent.status).toBe(201);

            await redis.restart();
            await readiness(demo, true);
            expect(
              await receivedOnce(demo, stream, 'Sent while Redis was down'),
            ).toBe(1);
            expect(stream.events.some((e) => e.event === 'close')).toBe(false);
          } finally {
            await demo.close();
            await redis.stop();
          }
        },
        START_TIMEOUT_MS * 2,
      );
    },
  );

  describeWithRedis(
    'when the process stops between the commit and the publish',
    () => {
      it(
        'publishes what was committed on the next start: a reconnect with Last-Event-ID receives it once',
        async () => {
          const prefix = testPrefix();
          const dataDir =
            kind === 'pglite'
              ? await mkdtemp(join(tmpdir(), 'demo-outbox-'))
              : undefined;
          const schema = kind === 'postgres' ? await createSchema() : undefined;
          const database: Record<string, string> = schema
            ? { DATABASE_URL: schema.url }
            : { PGLITE_DATA_DIR: dataDir! };
          const proxy = await TcpProxy.start(REDIS_URL!);
          let second: DemoApp | undefined;
          const first = await startDemo(kind, {
            ...RELAY_ENV,
            ...database,
            REDIS_URL: proxy.url,
            SSE_REDIS_PREFIX: prefix,
          });
          try {
            const [alice, bob] = [
              await first.login('alice'),
              await first.login('bob'),
            ];
            const stream = await first.stream(bob);
            const lastEventId = stream.lastId;
            expect(lastEventId).not.toBe('');

            proxy.cut();
            await readiness(first, false);
            const sent = await notify(
              first,
              alice,
              'Committed before the stop',
            );
            expect(sent.status).toBe(201);
            // Stops with the event still in the outbox (Redis unreachable).
            await first.close();
            proxy.restore();

            second = await startDemo(kind, {
              ...RELAY_ENV,
              ...database,
              REDIS_URL: REDIS_URL!,
              SSE_REDIS_PREFIX: prefix,
            });
            const token = await second.login('bob');
            const again = await second.connect({
              headers: { cookie: `sse_token=${token}` },
              lastEventId,
            });
            try {
              expect(
                await receivedOnce(second, again, 'Committed before the stop'),
              ).toBe(1);
              expect(again.events.some((e) => e.event === 'reset')).toBe(false);
            } finally {
              await again.close();
            }
          } finally {
            await first.close();
            await second?.close();
            await proxy.close();
            await schema?.drop();
            if (dataDir) await rm(dataDir, { recursive: true, force: true });
            const client = redisClient();
            await deleteKeys(client, prefix);
            client.disconnect();
          }
        },
        START_TIMEOUT_MS * 2,
      );
    },
  );
});

describeWithRedis('demo outbox on two instances (PostgreSQL + Redis)', () => {
  it(
    'publishes each committed event once although both relays sweep the same outbox',
    async () => {
      const prefix = testPrefix();
      const schema = await createSchema();
      // Sweeps every 20 ms: the relays keep racing for the same entries.
      const env = {
        DATABASE_URL: schema.url,
        REDIS_URL: REDIS_URL!,
        SSE_REDIS_PREFIX: prefix,
        OUTBOX_SWEEP_MS: '20',
      };
      const one = await startDemo('postgres', env);
      let two: DemoApp | undefined;
      try {
        two = await startDemo('postgres', env);
        const stream = await one.stream(await one.login('bob'));
        const senders = [
          [one, await one.login('alice')],
          [two, await two.login('carol')],
        ] as const;
        const titles = Array.from({ length: 20 }, (_, i) => `Message ${i}`);
        const sent = await Promise.all(
          titles.map((title, i) => {
            const [demo, token] = senders[i % 2];
            return notify(demo, token, title);
          }),
        );
        expect(sent.map((r) => r.status)).toEqual(titles.map(() => 201));
        for (let i = 0; i < titles.length; i++)
          await stream.expectEvent('notification');
        await one.broker.sendToUser('bob', 'marker', null, {
          tenantId: 'acme',
        });
        await stream.expectEvent('marker');
        const received = stream.events
          .filter((e) => e.event === 'notification')
          .map((e) => (e.data as { title: string }).title);
        expect([...received].sort()).toEqual([...titles].sort());
      } finally {
        await one.close();
        await two?.close();
        await schema.drop();
        const client = redisClient();
        await deleteKeys(client, prefix);
        client.disconnect();
      }
    },
    START_TIMEOUT_MS * 2,
  );
});
