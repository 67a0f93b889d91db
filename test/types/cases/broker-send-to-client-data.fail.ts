// sendToClient checks the data of the event it sends, too.
import type { SseBroker } from 'nestjs-sse-broker';
import type { AppEvents } from './app-events.js';

export async function publish(sse: SseBroker<AppEvents>): Promise<void> {
  // @expect-error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'
  await sse.sendToClient('client-1', 'stock.level', 'plenty');
}
