import {
  type CanActivate,
  type ExecutionContext,
  HttpStatus,
  Injectable,
} from '@nestjs/common';
import {
  InjectSseOptions,
  type ResolvedSseOptions,
  SseHttpException,
} from 'nestjs-sse-broker';
import type { Request } from 'express';
import { appOriginsFromEnv } from '../config/app-origins.config.js';
import { isLibraryRoute } from './library-route.util.js';
import { isStateChanging } from './state-changing.util.js';

/**
 * Refuses state-changing requests (POST, PUT, PATCH, DELETE) that a page of
 * another site made, with 403 `cross_site_request`.
 *
 * The session is a cookie, which the browser attaches to a request whatever
 * page made it; SameSite=Strict keeps it off cross-site requests in current
 * browsers, and this check covers the rest (same-site subdomains, older
 * browsers, a cookie set without SameSite by a proxy). A browser says where a
 * request comes from in `Sec-Fetch-Site` and `Origin`, which a page cannot
 * forge:
 * - an `Origin` listed in `APP_ORIGINS` is accepted;
 * - `Sec-Fetch-Site: cross-site` or `same-site` is refused;
 * - an `Origin` whose host is not the request's `Host` is refused, and so is
 *   `Origin: null` (sandboxed frames, some redirects).
 *
 * A request with neither header does not come from a browser page (curl, a
 * server with an `Authorization` header) and is accepted. Reading is not
 * checked: the browser keeps a foreign page from reading the answer.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  private readonly trusted = appOriginsFromEnv();

  constructor(@InjectSseOptions() private readonly sse: ResolvedSseOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!isStateChanging(request.method) || isLibraryRoute(request, this.sse))
      return true;
    const origin = request.headers.origin;
    if (origin !== undefined && this.trusted.has(origin)) return true;
    const site = request.headers['sec-fetch-site'];
    if (
      site === 'cross-site' ||
      site === 'same-site' ||
      (origin !== undefined && !sameHost(origin, request.headers.host))
    ) {
      throw new SseHttpException(
        HttpStatus.FORBIDDEN,
        'cross_site_request',
        'Changes can only be made from the application’s own pages.',
      );
    }
    return true;
  }
}

function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
