import { Injectable } from '@nestjs/common';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { SseBroker } from '../broker/sse-broker.js';
import { SseConnectionHub } from '../broker/sse-connection-hub.js';
import { scopedKey } from '../core/sse-target.js';
import type { SseMessage } from '../core/sse-message.interface.js';
import type { SseStats } from '../core/sse-stats.interface.js';
import type { SsePublishDto } from './dto/sse-publish.dto.js';
import { clientNotFound } from './sse-client.handler.js';

/**
 * What the admin routes do; they are declared per registration, only with
 * `adminRoutes: true` (`sse-controllers.factory.ts`). Every route acts in the
 * caller's own tenant; broker errors reach the client through
 * `SseErrorFilter`.
 * @internal
 */
@Injectable()
export class SseAdminHandler {
  constructor(
    private readonly broker: SseBroker,
    private readonly hub: SseConnectionHub,
  ) {}

  /**
   * `POST /<path>/publish` → 202 `{ id, event, target, createdAt }`, or 429
   * over `rateLimits.adminPublishes` (per caller).
   */
  protected async publish(
    admin: SseIdentity,
    body: Readonly<SsePublishDto>,
  ): Promise<Omit<SseMessage, 'data'>> {
    await this.hub.rateLimits.check(
      'adminPublishes',
      scopedKey(admin.tenantId, admin.userId),
    );
    const opts = {
      tenantId: admin.tenantId,
      idempotencyKey: body.idempotencyKey,
    };
    const message =
      body.target === 'user'
        ? await this.broker.sendToUser(
            body.userId!,
            body.event,
            body.data,
            opts,
          )
        : body.target === 'topic'
          ? await this.broker.sendToTopic(
              body.topic!,
              body.event,
              body.data,
              opts,
            )
          : await this.broker.broadcast(body.event, body.data, opts);
    const { id, event, target, createdAt } = message;
    return { id, event, target, createdAt };
  }

  /** `GET /<path>/stats`. */
  protected stats(): Promise<SseStats> {
    return this.broker.getStats();
  }

  /** `GET /<path>/online` → `{ userIds }` of the caller's tenant. */
  protected async online(admin: SseIdentity): Promise<{ userIds: string[] }> {
    return {
      userIds: await this.broker.getOnlineUsers({ tenantId: admin.tenantId }),
    };
  }

  /**
   * `DELETE /<path>/clients/:id` → 204 once the stream, on whichever
   * instance holds it, is closed; 404 for a stream unknown in the caller's
   * tenant.
   */
  protected async disconnectClient(
    admin: SseIdentity,
    clientId: string,
  ): Promise<void> {
    const { count } = await this.hub.control({
      select: { clientId, tenantId: admin.tenantId },
      action: { type: 'close', reason: 'disconnected' },
    });
    if (count === 0) throw clientNotFound(clientId);
  }
}
