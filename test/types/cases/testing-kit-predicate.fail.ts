// The predicate of expectEvent receives the declared data of that event.
import type { SseTestClient } from 'nestjs-sse-broker/testing';
import type { AppEvents } from './app-events.js';

export async function read(client: SseTestClient<AppEvents>): Promise<void> {
  await client.expectEvent(
    'notification',
    // @expect-error TS2339: Property 'orderId' does not exist on type 'Notification'
    (note) => note.orderId === '1',
  );
}
