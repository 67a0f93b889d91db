import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
} from '@nestjs/common';
import { SseConnectionHub } from '../broker/sse-connection-hub.js';
import { rawRequest, type SseAdapterRequest } from './raw-http.util.js';

/**
 * Counts a stream request against `rateLimits.connectsPerAddress`, before
 * {@link SseAuthGuard}, so that a flood of requests with bad tokens is
 * limited too; over the limit, `429 rate_limited` with `Retry-After`. The
 * address is the platform's `request.ip` (Express's and Fastify's honour
 * their trust-proxy settings), else the socket's remote address.
 * @internal
 */
@Injectable()
export class SseAddressRateGuard implements CanActivate {
  constructor(private readonly hub: SseConnectionHub) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.hub.rateLimits.has('connectsPerAddress')) return true;
    const address = clientAddress(
      context.switchToHttp().getRequest<SseAdapterRequest>(),
    );
    // No address: the socket is gone, and the request with it.
    if (address) await this.hub.admitAddress(address);
    return true;
  }
}

function clientAddress(
  request: SseAdapterRequest & { ip?: unknown },
): string | undefined {
  return typeof request.ip === 'string' && request.ip !== ''
    ? request.ip
    : rawRequest(request).socket?.remoteAddress;
}
