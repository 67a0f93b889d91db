import { SseError } from './sse.error.js';

/**
 * A stream was refused because its user was revoked (`revokeUser`) after its
 * credentials were issued (HTTP 401).
 *
 * @publicApi
 */
export class TokenRevokedError extends SseError {
  readonly code = 'token_revoked';
}
