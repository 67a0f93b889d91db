// The message a publish resolves with carries the event's data type.
import type { SseBroker } from 'nestjs-sse-broker';
import type { AppEvents } from './app-events.js';

export async function publish(sse: SseBroker<AppEvents>): Promise<string> {
  const sent = await sse.sendToUser('alice', 'stock.level', 4);
  // @expect-error TS2322: Type 'number' is not assignable to type 'string'
  return sent.data;
}
