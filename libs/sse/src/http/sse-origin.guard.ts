import {
  type CanActivate,
  type ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
} from '@nestjs/common';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import {
  type ResolvedSseOptions,
  SSE_RESOLVED_OPTIONS,
} from '../options/resolved-sse-options.interface.js';
import { SseHttpException } from './sse-http.exception.js';

/**
 * Refuses a stream that a page of another site makes a browser open with
 * the user's cookie: a request that carries cookies and no `Authorization`
 * header, whose `Origin` is neither the site's own (the origin the `Host`
 * header names) nor one of `allowedOrigins`, gets `403 origin_not_allowed`
 * before it is authenticated.
 *
 * A browser sends no `Origin` on a same-origin `GET`, and marks the requests
 * of its own pages `Sec-Fetch-Site: same-origin`; neither can be set by a
 * page. A request with an `Authorization` header is not checked: a page can
 * make a browser send one to another site only after a CORS preflight.
 * @internal
 */
@Injectable()
export class SseOriginGuard implements CanActivate {
  private readonly allowed: ReadonlySet<string>;

  constructor(@Inject(SSE_RESOLVED_OPTIONS) options: ResolvedSseOptions) {
    this.allowed = new Set(options.allowedOrigins);
  }

  canActivate(context: ExecutionContext): boolean {
    const { headers } = context.switchToHttp().getRequest<IncomingMessage>();
    const { origin } = headers;
    if (
      origin === undefined ||
      headers.authorization !== undefined ||
      headers.cookie === undefined ||
      headers['sec-fetch-site'] === 'same-origin' ||
      this.allowed.has(origin) ||
      isOwnOrigin(origin, headers)
    )
      return true;
    throw new SseHttpException(
      HttpStatus.FORBIDDEN,
      'origin_not_allowed',
      'A stream authenticated by cookie is served only to the pages of this site and of the origins it allows.',
    );
  }
}

/** `Origin` names the host (and port) the request was sent to. */
function isOwnOrigin(origin: string, headers: IncomingHttpHeaders): boolean {
  const host = headers.host ?? (headers[':authority'] as string | undefined);
  if (!host) return false;
  const authority = origin.slice(origin.indexOf('://') + 3);
  return /^https?:\/\//.test(origin) && authority === host.toLowerCase();
}
