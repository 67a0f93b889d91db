// An event name the contract does not declare.
import type { SseBroker } from 'nestjs-sse-broker';
import type { AppEvents } from './app-events.js';

export async function publish(sse: SseBroker<AppEvents>): Promise<void> {
  // @expect-error TS2345: Argument of type '"order.cancelled"' is not assignable to parameter of type '"order.shipped" | "notification" | "stock.level"'
  await sse.sendToUser('alice', 'order.cancelled', { orderId: '1' });
}
