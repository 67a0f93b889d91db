import { HttpStatus, Injectable } from '@nestjs/common';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { SseConnectionHub } from '../broker/sse-connection-hub.js';
import { SseHttpException } from './sse-http.exception.js';
import { SseStreamAdmission } from './sse-stream-admission.js';
import type { SseTopicsChange } from './sse-validation.pipes.js';

/**
 * What a stream's owner may do to its stream without reconnecting, on
 * whichever instance holds it; the routes exist whatever `adminRoutes` says
 * (`sse-controllers.factory.ts`), behind the stream's own guards. The
 * caller's credentials must name the stream's user and tenant: a stream of
 * anyone else is answered exactly as one that does not exist
 * (`404 client_not_found`).
 * @internal
 */
@Injectable()
export class SseClientHandler {
  constructor(
    private readonly hub: SseConnectionHub,
    private readonly admission: SseStreamAdmission,
  ) {}

  /**
   * `POST /<path>/clients/:id/token` → 204: the stream's expiry moves to
   * that of the credentials of this request (already verified, and not
   * revoked, by `SseAuthGuard`).
   */
  protected async refreshToken(
    identity: SseIdentity,
    clientId: string,
  ): Promise<void> {
    const { expiresAt } = identity;
    const { count } = await this.hub.control({
      select: ownStream(identity, clientId),
      action: {
        type: 'expiry',
        expiresAt: expiresAt instanceof Date ? expiresAt.getTime() : expiresAt,
      },
    });
    if (count === 0) throw clientNotFound(clientId);
  }

  /**
   * `POST /<path>/clients/:id/topics` → 200 `{ topics }`: each added topic
   * checked by the topic authorizer (403 `topic_forbidden`), the result
   * by `maxTopicsPerConnection` (400 `invalid_topics`). An added topic is
   * live when the answer is sent.
   */
  protected async changeTopics(
    identity: SseIdentity,
    clientId: string,
    change: SseTopicsChange,
  ): Promise<{ topics: string[] }> {
    await this.admission.authorize(identity, change.add);
    const { topics, refused } = await this.hub.control({
      select: ownStream(identity, clientId),
      action: { type: 'topics', add: change.add, remove: change.remove },
    });
    if (topics === undefined) throw clientNotFound(clientId);
    if (refused) {
      const message =
        'the change would leave the stream with more topics than maxTopicsPerConnection allows';
      throw new SseHttpException(
        HttpStatus.BAD_REQUEST,
        'invalid_topics',
        message,
        { errors: [message] },
      );
    }
    return { topics };
  }
}

function ownStream(identity: SseIdentity, clientId: string) {
  return { clientId, userId: identity.userId, tenantId: identity.tenantId };
}

/** The one answer for a stream that does not exist and one of someone else. @internal */
export function clientNotFound(clientId: string): SseHttpException {
  return new SseHttpException(
    HttpStatus.NOT_FOUND,
    'client_not_found',
    `No open stream with id "${clientId.slice(0, 128)}".`,
  );
}
