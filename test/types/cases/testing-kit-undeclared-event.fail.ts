// A typed test client waits only for events the contract (or the stream) declares.
import type { SseTestClient } from 'nestjs-sse-broker/testing';
import type { AppEvents } from './app-events.js';

export async function read(client: SseTestClient<AppEvents>): Promise<void> {
  // @expect-error TS2345: Argument of type '"order.cancelled"' is not assignable to parameter of type
  await client.expectEvent('order.cancelled');
}
