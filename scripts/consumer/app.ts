// A stranger's application: it installs nestjs-sse-broker from the packed
// tarball and uses it only through its public entry point. Run by
// scripts/check-package.mjs, on Express and on Fastify.
import 'reflect-metadata';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { JwtService } from '@nestjs/jwt';
import {
  SseBroker,
  SseModule,
  type SseMessage,
  type SseModuleOptions,
} from 'nestjs-sse-broker';
import {
  connectSseTestClient,
  sseTestingOptions,
} from 'nestjs-sse-broker/testing';

const SECRET = 'consumer-check-secret';

interface Notice {
  readonly text: string;
}

@Injectable()
class Notifier {
  constructor(private readonly sse: SseBroker) {}

  notify(userId: string, text: string): Promise<SseMessage<Notice>> {
    return this.sse.sendToUser<Notice>(
      userId,
      'notice',
      { text },
      { tenantId: 'acme' },
    );
  }
}

const options: SseModuleOptions = {
  auth: { secret: SECRET },
  heartbeatInterval: 1_000,
  clientTimeout: 2_000,
};

@Module({
  imports: [SseModule.forRoot({ ...options, isGlobal: true })],
  providers: [Notifier],
})
class AppModule {}

async function readUntil(
  response: Response,
  wanted: string,
  timeoutMs: number,
): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (!text.includes(wanted)) {
    const left = deadline - Date.now();
    if (left <= 0)
      throw new Error(`no "${wanted}" in: ${JSON.stringify(text)}`);
    const chunk = await Promise.race([
      reader.read(),
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`timed out waiting for "${wanted}"`)),
          left,
        ),
      ),
    ]);
    if (chunk.done) throw new Error(`stream ended before "${wanted}": ${text}`);
    text += decoder.decode(chunk.value, { stream: true });
  }
  await reader.cancel();
  return text;
}

async function check(adapter: 'express' | 'fastify'): Promise<void> {
  const app: INestApplication =
    adapter === 'fastify'
      ? await NestFactory.create(AppModule, new FastifyAdapter(), {
          logger: ['error'],
        })
      : await NestFactory.create(AppModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  try {
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const refused = await fetch(`${base}/sse/stream`);
    const body = (await refused.json()) as {
      statusCode?: number;
      code?: string;
    };
    if (refused.status !== 401 || body.code !== 'invalid_token')
      throw new Error(
        `${adapter}: no token answered ${refused.status} ${JSON.stringify(body)}`,
      );

    const token = new JwtService().sign(
      { sub: 'alice', tid: 'acme' },
      { secret: SECRET },
    );
    const stream = await fetch(`${base}/sse/stream`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (stream.status !== 200)
      throw new Error(`${adapter}: stream answered ${stream.status}`);
    const published = app
      .get(Notifier)
      .notify('alice', 'hello from the broker');
    const text = await readUntil(stream, 'hello from the broker', 5_000);
    const { id } = await published;
    if (!text.includes(`event: notice\nid: ${id}\n`))
      throw new Error(
        `${adapter}: the event was not framed as documented: ${text}`,
      );
    console.log(
      `consumer (${adapter}): 401 without a token; event ${id} received`,
    );
  } finally {
    await app.close();
  }
}

/** Without the optional ioredis peer, the Redis transport fails start-up saying what to install. */
async function checkRedisWithoutIoredis(): Promise<void> {
  const failed = await NestFactory.create(
    SseModule.forRoot({
      auth: { secret: SECRET },
      transport: { type: 'redis', url: 'redis://127.0.0.1:6379' },
    }),
    { logger: false, abortOnError: false },
  ).then(
    async (app) => {
      await app.close();
      return undefined;
    },
    (err: unknown) => err,
  );
  if (
    !(failed instanceof Error) ||
    !failed.message.includes('npm install ioredis')
  )
    throw new Error(`redis without ioredis: ${String(failed)}`);
  console.log(
    'consumer: without ioredis, the Redis transport says to install it',
  );
}

interface ShopEvents {
  'order.shipped': { orderId: string; carrier: string };
}

@Injectable()
class Orders {
  constructor(private readonly sse: SseBroker<ShopEvents>) {}

  ship(userId: string, orderId: string, carrier: string) {
    return this.sse.sendToUser(userId, 'order.shipped', { orderId, carrier });
  }
}

/** The testing subpath, as an application's test uses it, against a typed broker. */
async function checkTestingKit(): Promise<void> {
  @Module({
    imports: [
      SseModule.forRoot(
        sseTestingOptions({ auth: { secret: SECRET }, isGlobal: true }),
      ),
    ],
    providers: [Orders],
  })
  class ShopModule {}
  const app = await NestFactory.create(ShopModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  try {
    const alice = await connectSseTestClient<ShopEvents>(app, {
      userId: 'alice',
    });
    await app.get(Orders).ship('alice', 'o-1', 'DHL');
    const shipped = await alice.expectEvent(
      'order.shipped',
      (order) => order.orderId === 'o-1',
    );
    await alice.close();
    const missed = await app.get(Orders).ship('alice', 'o-2', 'UPS');
    await alice.reconnect();
    const replayed = await alice.next('order.shipped');
    await alice.close();
    if (shipped.data.carrier !== 'DHL' || replayed.id !== missed.id)
      throw new Error(`testing kit: got ${JSON.stringify(alice.events)}`);
    console.log(
      'consumer: nestjs-sse-broker/testing read a typed event and its replay',
    );
  } finally {
    await app.close();
  }
}

await check('express');
await checkRedisWithoutIoredis();
await check('fastify');
await checkTestingKit();
