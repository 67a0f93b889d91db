import { Body, HttpStatus, Param, UseGuards } from '@nestjs/common';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { SseBroker } from '../broker/sse-broker.js';
import type { SseMessage } from '../broker/sse-message.interface.js';
import type { SseStats } from '../broker/sse-stats.interface.js';
import { SseError } from '../errors/sse.error.js';
import type { SsePublishDto } from './dto/sse-publish.dto.js';
import { SseAdminGuard } from './sse-admin.guard.js';
import { SseAuthGuard } from './sse-auth.guard.js';
import { SseHttpException } from './sse-http.exception.js';
import { SseUser } from './sse-user.decorator.js';
import { SsePublishBodyPipe } from './sse-validation.pipes.js';
import { sseErrorToHttp } from './validation-exception.util.js';

/**
 * Admin routes, mounted only with `adminRoutes: true`. Every route acts in
 * the caller's own tenant.
 * @internal
 */
@UseGuards(SseAuthGuard, SseAdminGuard)
export class SseAdminController {
  constructor(private readonly broker: SseBroker) {}

  /** `POST /<path>/publish` → 202 `{ id, event, target, createdAt }`. */
  async publish(
    @SseUser() admin: SseIdentity,
    @Body(SsePublishBodyPipe) body: Readonly<SsePublishDto>, // reflected as Object: global pipes leave it alone
  ): Promise<Omit<SseMessage, 'data'>> {
    const opts = { tenantId: admin.tenantId };
    try {
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
    } catch (err) {
      throw err instanceof SseError ? sseErrorToHttp(err) : err;
    }
  }

  /** `GET /<path>/stats`. */
  stats(): Promise<SseStats> {
    return this.broker.getStats();
  }

  /** `GET /<path>/online` → `{ userIds }` of the caller's tenant. */
  async online(@SseUser() admin: SseIdentity): Promise<{ userIds: string[] }> {
    try {
      return {
        userIds: await this.broker.getOnlineUsers({ tenantId: admin.tenantId }),
      };
    } catch (err) {
      throw err instanceof SseError ? sseErrorToHttp(err) : err;
    }
  }

  /** `DELETE /<path>/clients/:id` → 204, or 404 for a client unknown in the caller's tenant. */
  disconnectClient(
    @SseUser() admin: SseIdentity,
    @Param('id') clientId: string,
  ): void {
    const client = this.broker.getClient(clientId);
    if (!client || client.tenantId !== admin.tenantId) {
      throw new SseHttpException(
        HttpStatus.NOT_FOUND,
        'client_not_found',
        `No open stream with id "${clientId}".`,
      );
    }
    this.broker.disconnect(clientId);
  }
}
