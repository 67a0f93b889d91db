import { Injectable, Logger } from '@nestjs/common';
import { SseBroker } from 'nestjs-sse-broker';
import type { AppEvent, AppEvents } from './app-events.js';

/**
 * Publishes after the database has committed. A failed publish never undoes
 * the committed change: it is logged and counted, and clients catch up from
 * the REST API (or from replay / `reset`).
 */
@Injectable()
export class LiveEvents {
  private readonly logger = new Logger('LiveEvents');
  private failed = 0;

  constructor(private readonly broker: SseBroker<AppEvents>) {}

  /** Publishes that failed since start. */
  get failures(): number {
    return this.failed;
  }

  toUser<K extends AppEvent>(
    userId: string,
    tenantId: string,
    event: K,
    data: AppEvents[K],
  ): Promise<void> {
    return this.attempt(event, () =>
      this.broker.sendToUser(userId, event, data, { tenantId }),
    );
  }

  toTopic<K extends AppEvent>(
    topic: string,
    tenantId: string,
    event: K,
    data: AppEvents[K],
  ): Promise<void> {
    return this.attempt(event, () =>
      this.broker.sendToTopic(topic, event, data, { tenantId }),
    );
  }

  toTenant<K extends AppEvent>(
    tenantId: string,
    event: K,
    data: AppEvents[K],
  ): Promise<void> {
    return this.attempt(event, () =>
      this.broker.broadcast(event, data, { tenantId }),
    );
  }

  private async attempt(
    event: string,
    publish: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await publish();
    } catch (err) {
      this.failed++;
      this.logger.error(
        `publishing "${event}" failed; the change is committed: ${(err as Error).message}`,
      );
    }
  }
}
