import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { SseIdentity } from '../auth/sse-identity.interface.js';

/** Request property where {@link SseAuthGuard} leaves the authenticated identity. @internal */
export const SSE_IDENTITY_KEY = Symbol('SSE:IDENTITY');

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
