import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { scopedKey } from '../core/sse-target.js';
import { SSE_MESSAGES } from '../errors/sse-error.messages.js';
import { SseError } from '../errors/sse.error.js';
import {
  SSE_TRANSPORT,
  type SseTransport,
} from '../transport/sse-transport.interface.js';

/**
 * The revocation list, kept by the transport (in this process's memory, or
 * in Redis for every instance), each entry expiring by itself.
 *
 * A revocation refuses the credentials of one user (in one tenant) issued
 * before the second in which it was made; credentials issued in that second
 * or later are accepted, so a user who signs in again right away is not
 * refused. JWT `iat` claims count whole seconds, which is why the cut is a
 * second boundary.
 *
 * When the list cannot be read (Redis is down), credentials are accepted and
 * a warning is logged once until it can: the application's own routes
 * guarded by `SseAuthGuard` keep working through an outage, and a stream
 * needs the transport anyway (`503 transport_unavailable`).
 * @internal
 */
@Injectable()
export class SseRevocations {
  private readonly logger = new Logger('SseAuthGuard');
  private failing = false;

  constructor(
    @Inject(SSE_TRANSPORT) private readonly transport: SseTransport,
  ) {}

  /** Refuses the user's credentials issued before now, for `ttl` ms; resolves with the cut (epoch ms). */
  async revoke(
    userId: string,
    tenantId: string | undefined,
    ttl: number,
  ): Promise<number> {
    const notBefore = Math.floor(Date.now() / 1_000) * 1_000;
    await this.transport.revoke(scopedKey(tenantId, userId), notBefore, ttl);
    return notBefore;
  }

  /**
   * Whether the identity's credentials were issued before a revocation in
   * force; an identity without `issuedAt` never is. One lookup in the
   * transport per call: a Map, answered at once (a stream's connect waits
   * for no promise), or one Redis GET.
   */
  isRevoked(identity: SseIdentity): boolean | Promise<boolean> {
    if (identity.issuedAt === undefined) return false;
    const notBefore = this.transport.revokedBefore(
      scopedKey(identity.tenantId, identity.userId),
    );
    return notBefore instanceof Promise
      ? notBefore.then(
          (at) => {
            this.failing = false;
            return issuedBefore(identity, at);
          },
          (err: unknown) => this.unreadable(err),
        )
      : issuedBefore(identity, notBefore);
  }

  private unreadable(err: unknown): false {
    if (!(err instanceof SseError)) throw err;
    if (!this.failing) {
      this.failing = true;
      this.logger.warn(SSE_MESSAGES.REVOCATIONS_UNAVAILABLE(err.detail));
    }
    return false;
  }
}

/** Whether the identity's credentials were issued before `notBefore` (epoch ms); never without both. @internal */
export function issuedBefore(
  identity: SseIdentity,
  notBefore: number | undefined,
): boolean {
  const { issuedAt } = identity;
  if (issuedAt === undefined || notBefore === undefined) return false;
  const issued = issuedAt instanceof Date ? issuedAt.getTime() : issuedAt;
  return issued < notBefore;
}
