// Must compile: a test client typed by the contract reads declared events and
// the stream's own with their data; an untyped one reads anything.
import type { INestApplication } from '@nestjs/common';
import {
  connectSseTestClient,
  sseTestingOptions,
  type SseTestEvent,
} from 'nestjs-sse-broker/testing';
import { SseModule } from 'nestjs-sse-broker';
import type { AppEvents } from './app-events.js';

export const module = SseModule.forRoot(
  sseTestingOptions({ auth: { secret: 'test' }, isGlobal: true }),
);

export async function read(app: INestApplication): Promise<void> {
  const client = await connectSseTestClient<AppEvents>(app, {
    userId: 'alice',
    tenantId: 'acme',
    topics: ['orders'],
  });
  const shipped = await client.expectEvent(
    'order.shipped',
    (order) => order.carrier === 'DHL',
  );
  const orderId: string = shipped.data.orderId;
  const level: number = (await client.next('stock.level')).data;
  const reason: string = (await client.next('close')).data.reason;
  const connected: string = client.events[0]?.event ?? '';
  await client.reconnect();
  await client.close();

  const untyped = await connectSseTestClient('http://127.0.0.1:3000', {
    token: 'a.b.c',
    path: '/api/sse/stream',
  });
  const anything: unknown = (await untyped.next('whatever')).data;
  const typedByHand = await untyped.next<{ n: number }>('counted');
  const n: number = typedByHand.data.n;
  const all: readonly SseTestEvent[] = untyped.events;
  void [orderId, level, reason, connected, anything, n, all];
}
