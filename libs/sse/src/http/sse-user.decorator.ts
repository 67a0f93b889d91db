import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { SSE_IDENTITY_KEY } from '../sse.internal-constants.js';

/**
 * The identity {@link SseAuthGuard} established for this request.
 * @example
 * ```ts
 * @Sse('progress') @UseGuards(SseAuthGuard)
 * progress(@SseUser() user: SseIdentity) { ... }
 * ```
 * @publicApi
 */
export const SseUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): SseIdentity | undefined =>
    context.switchToHttp().getRequest<{ [SSE_IDENTITY_KEY]?: SseIdentity }>()[
      SSE_IDENTITY_KEY
    ],
);
