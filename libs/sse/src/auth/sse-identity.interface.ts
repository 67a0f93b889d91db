/**
 * Who is on the other end of a stream, as established by the authenticator.
 * @publicApi
 */
export interface SseIdentity {
  /** The user id (the JWT `sub` claim). Non-empty, without control characters. */
  userId: string;
  /**
   * The tenant (the JWT `tid` claim); `undefined` for users without one.
   * Non-empty, without control characters.
   */
  tenantId?: string;
  /** Roles (the JWT `roles` claim). */
  roles: string[];
  /**
   * When the credentials expire (epoch milliseconds, or a Date). The stream
   * is closed with `event: close {reason: 'token_expired'}` at that moment.
   */
  expiresAt?: number | Date;
  /**
   * When the credentials were issued (epoch milliseconds, or a Date; the JWT
   * `iat` claim). `revokeUser()` refuses credentials issued before the
   * revocation; without it, the identity is never refused as revoked.
   */
  issuedAt?: number | Date;
}
