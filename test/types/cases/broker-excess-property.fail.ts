// Data with a property its event does not declare.
import type { SseBroker } from 'nestjs-sse-broker';
import type { AppEvents } from './app-events.js';

export async function publish(sse: SseBroker<AppEvents>): Promise<void> {
  await sse.broadcast('notification', {
    title: 'Hello',
    unread: true,
    // @expect-error TS2353: 'priority' does not exist in type 'Notification'
    priority: 'high',
  });
}
