import { Global, Module } from '@nestjs/common';
import {
  OUTBOX_OPTIONS,
  outboxOptionsFromEnv,
} from '../config/outbox.config.js';
import { LiveEvents } from './live-events.service.js';
import { OutboxRelay } from './outbox.relay.js';
import { OutboxRepository } from './outbox.repository.js';

/** Live events through the transactional outbox: `LiveEvents.transaction()` records them, `OutboxRelay` publishes them. */
@Global()
@Module({
  providers: [
    { provide: OUTBOX_OPTIONS, useFactory: () => outboxOptionsFromEnv() },
    OutboxRepository,
    OutboxRelay,
    LiveEvents,
  ],
  exports: [LiveEvents],
})
export class LiveModule {}
