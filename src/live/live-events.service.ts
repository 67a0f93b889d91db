import { Injectable, Logger } from '@nestjs/common';
import { SseBroker } from 'nestjs-sse-broker';

/**
 * Publishes after the database has committed. A failed publish never undoes
 * the committed change: it is logged and counted, and clients catch up from
 * the REST API (or from replay / `reset`).
 */
@Injectable()
export class LiveEvents {
  private readonly logger = new Logger('LiveEvents');
  private failed = 0;

  constructor(private readonly broker: SseBroker) {}

  /** Publishes that failed since start. */
  get failures(): number {
    return this.failed;
  }

  toUser(
    userId: string,
    tenantId: string,
    event: string,
    data: unknown,
  ): Promise<void> {
    return this.attempt(event, () =>
      this.broker.sendToUser(userId, event, data, { tenantId }),
    );
  }

  toTopic(
    topic: string,
    tenantId: string,
    event: string,
    data: unknown,
  ): Promise<void> {
    return this.attempt(event, () =>
      this.broker.sendToTopic(topic, event, data, { tenantId }),
    );
  }

  toTenant(tenantId: string, event: string, data: unknown): Promise<void> {
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
