/** JWT signature algorithms accepted by `auth.algorithms`. `none` is never accepted. @publicApi */
export type SseJwtAlgorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'PS256'
  | 'PS384'
  | 'PS512';

/**
 * How stream requests are authenticated with JWTs (verified by `@nestjs/jwt`).
 *
 * The token is read, in this order, from `Authorization: Bearer <token>`, from
 * the cookie `cookieName` (what a browser `EventSource` can send), and from the
 * `access_token` query parameter only when `allowQueryToken` is set.
 *
 * @publicApi
 */
export interface SseAuthOptions {
  /** HMAC secret. Exactly one of `secret` and `publicKey` is required. */
  secret?: string | Buffer;
  /** PEM public key for RSA / ECDSA / RSA-PSS signatures. */
  publicKey?: string | Buffer;
  /**
   * Accepted signature algorithms.
   * @default ['HS256', 'HS384', 'HS512'] with `secret`; the RS, ES and PS families with `publicKey`
   */
  algorithms?: SseJwtAlgorithm[];
  /** Required `iss` claim (one of). */
  issuer?: string | string[];
  /** Required `aud` claim (one of). */
  audience?: string | string[];
  /**
   * Seconds of clock skew tolerated when checking `exp` and `nbf`. 0 to 300.
   * @default 0
   */
  clockTolerance?: number;
  /**
   * Cookie that may carry the token, for browsers whose `EventSource` cannot
   * set headers. It opens the stream only: the admin routes require the
   * `Authorization` header, and pages of other origins need `allowedOrigins`.
   * @default 'sse_token'
   */
  cookieName?: string;
  /**
   * Accept the token from the `access_token` query parameter. Off by default:
   * URLs end up in proxy and access logs (OWASP ASVS V3.1.1). When off, a
   * request carrying `access_token` is refused with `400 query_token_not_allowed`.
   * @default false
   */
  allowQueryToken?: boolean;
}
