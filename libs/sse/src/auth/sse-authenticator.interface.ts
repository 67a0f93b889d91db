import type { IncomingMessage } from 'node:http';
import type { SseIdentity } from './sse-identity.interface.js';

/**
 * The request as the authenticator sees it: Express's request, or on Fastify
 * the Node request under the `FastifyRequest` (`request.raw`), which has the
 * same `headers` and `url` but no parsed `query`.
 * @publicApi
 */
export type SseRequest = IncomingMessage & {
  query?: Record<string, unknown>;
};

/**
 * Authenticates a stream request. Replace the built-in JWT verification with
 * your own with the `authenticator` option (a class, or an instance from a
 * `forRootAsync` factory).
 *
 * Return the identity, or return `null` / throw to refuse the request with
 * `401 invalid_token` (the client never sees your error's message). An
 * identity whose `userId` or `tenantId` is empty or holds a control
 * character is refused the same way.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class SessionAuthenticator implements SseAuthenticator {
 *   constructor(private readonly sessions: SessionService) {}
 *   async authenticate(req: SseRequest) {
 *     const session = await this.sessions.fromCookie(req.headers.cookie);
 *     return session && { userId: session.userId, roles: session.roles };
 *   }
 * }
 * ```
 * @publicApi
 */
export interface SseAuthenticator {
  authenticate(
    request: SseRequest,
  ): SseIdentity | null | Promise<SseIdentity | null>;
}

/** Injection token of the active {@link SseAuthenticator}. @publicApi */
export const SseAuthenticator = Symbol('SseAuthenticator');
