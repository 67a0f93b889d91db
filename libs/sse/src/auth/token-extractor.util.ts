import { SSE_MESSAGES } from '../errors/sse-error.messages.js';
import { QueryTokenNotAllowedError } from '../errors/query-token-not-allowed.error.js';
import type { SseRequest } from './sse-authenticator.interface.js';

/** Where {@link extractSseToken} looks for a token. @publicApi */
export interface SseTokenSources {
  /** Cookie that may carry the token. */
  cookieName?: string;
  /** Also read `?access_token=` (off by default; URLs end up in logs). */
  allowQueryToken?: boolean;
}

/**
 * Reads a bearer token from `Authorization: Bearer`, then from the cookie
 * `cookieName`, then (only when allowed) from `?access_token=`. Returns
 * `undefined` when there is none or the header is malformed.
 *
 * A request that carries `access_token` while query tokens are not allowed is
 * refused with {@link QueryTokenNotAllowedError} (`400 query_token_not_allowed`), so that a client misconfiguration
 * is visible instead of silently unauthenticated.
 * @publicApi
 */
export function extractSseToken(
  request: SseRequest,
  sources: SseTokenSources = {},
): string | undefined {
  const queryToken = readQueryToken(request);
  if (queryToken !== undefined && !sources.allowQueryToken) {
    throw new QueryTokenNotAllowedError(SSE_MESSAGES.QUERY_TOKEN_NOT_ALLOWED());
  }
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim());
    return match?.[1];
  }
  if (sources.cookieName) {
    const cookie = readCookie(request.headers.cookie, sources.cookieName);
    if (cookie) return cookie;
  }
  return queryToken || undefined;
}

function readQueryToken(request: SseRequest): string | undefined {
  const queryIndex = request.url?.indexOf('?') ?? -1;
  if (queryIndex < 0) return undefined;
  const params = new URLSearchParams(request.url!.slice(queryIndex + 1));
  return params.get('access_token') ?? undefined;
}

function readCookie(
  header: string | undefined,
  name: string,
): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
