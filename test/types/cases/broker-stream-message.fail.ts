// A message from userStream() narrowed by its event has that event's data only.
import type { SseBroker } from 'nestjs-sse-broker';
import type { AppEvents } from './app-events.js';

export function watch(sse: SseBroker<AppEvents>): void {
  sse.userStream('alice').subscribe((message) => {
    if (message.event === 'notification')
      // @expect-error TS2339: Property 'carrier' does not exist on type 'Notification'
      console.log(message.data.carrier);
  });
}
