// Data that misses a property its event declares.
import type { SseBroker } from 'nestjs-sse-broker';
import type { AppEvents } from './app-events.js';

export async function publish(sse: SseBroker<AppEvents>): Promise<void> {
  // @expect-error TS2345: Property 'carrier' is missing in type '{ orderId: string; }' but required in type 'OrderShipped'
  await sse.sendToTopic('orders', 'order.shipped', { orderId: '1' });
}
