import type { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { JwtSignOptions } from '@nestjs/jwt';
import { getSseOptionsToken, type ResolvedSseOptions } from '../index.js';

/** Who a test client connects as, when it signs its own token. @publicApi */
export interface SseTestIdentity {
  /** The `sub` claim. */
  userId: string;
  /** The `tid` claim. */
  tenantId?: string;
  /** The `roles` claim. */
  roles?: readonly string[];
  /** Further claims, e.g. those your own authenticator reads. */
  claims?: Record<string, unknown>;
  /** Seconds until the token expires (`exp`); no expiry by default. */
  expiresIn?: number;
}

/** What signs a test token: the module's resolved options, or a secret given for a base URL. */
export interface SseTestSigner {
  secret?: string | Buffer;
  algorithm?: string;
  issuer?: string;
  audience?: string;
}

/** The application's resolved SSE options, or undefined when the module is not there. */
export function sseOptionsOf(
  app: INestApplication,
): ResolvedSseOptions | undefined {
  try {
    return app.get<ResolvedSseOptions>(getSseOptionsToken(), {
      strict: false,
    });
  } catch {
    return undefined;
  }
}

/**
 * How to sign for an application: with the HMAC secret its `auth` options
 * verify, the first HMAC algorithm they allow, and their first issuer and
 * audience. Throws, saying what to pass instead, when the application
 * verifies with a public key or with its own authenticator.
 */
export function signerOf(options: ResolvedSseOptions): SseTestSigner {
  const { auth } = options;
  if (!auth)
    throw new Error(
      'connectSseTestClient: the application authenticates streams with its own authenticator; pass `token` or `headers` instead of `userId`',
    );
  if (auth.secret === undefined)
    throw new Error(
      'connectSseTestClient: the application verifies tokens with a public key, which cannot sign; pass a `token` signed with its private key',
    );
  return {
    secret: auth.secret,
    algorithm: auth.algorithms.find((a) => a.startsWith('HS')),
    issuer: first(auth.issuer),
    audience: first(auth.audience),
  };
}

/** Signs the identity's token (`sub`, `tid`, `roles`) as the JWT authenticator expects it. */
export function signTestToken(
  identity: SseTestIdentity,
  signer: SseTestSigner,
): string {
  if (signer.secret === undefined)
    throw new Error(
      'connectSseTestClient: to sign a token for a base URL, pass the `secret` the application verifies with (or pass `token`)',
    );
  const payload: Record<string, unknown> = {
    ...identity.claims,
    sub: identity.userId,
  };
  if (identity.tenantId !== undefined) payload.tid = identity.tenantId;
  if (identity.roles !== undefined) payload.roles = [...identity.roles];
  const options: JwtSignOptions = {
    secret: signer.secret,
    algorithm: (signer.algorithm ?? 'HS256') as JwtSignOptions['algorithm'],
  };
  if (signer.issuer !== undefined) options.issuer = signer.issuer;
  if (signer.audience !== undefined) options.audience = signer.audience;
  if (identity.expiresIn !== undefined) options.expiresIn = identity.expiresIn;
  return new JwtService().sign(payload, options);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
