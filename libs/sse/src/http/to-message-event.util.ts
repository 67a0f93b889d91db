import type { MessageEvent } from '@nestjs/common';
import type { SseMessage } from '../core/sse-message.interface.js';

/**
 * Maps a broker message to Nest's `MessageEvent`, for applications' own
 * `@Sse()` routes built on `userStream` / `topicStream`. The broker's id is
 * kept, so Nest does not number the events per connection.
 * @example
 * ```ts
 * @Sse('tasks') @UseGuards(SseAuthGuard)
 * tasks(@SseUser() user: SseIdentity) {
 *   return this.broker.userStream(user.userId, { tenantId: user.tenantId }).pipe(map(toMessageEvent));
 * }
 * ```
 * @publicApi
 */
export function toMessageEvent(message: SseMessage): MessageEvent {
  return {
    id: message.id,
    type: message.event,
    data: JSON.stringify(message.data),
  };
}
