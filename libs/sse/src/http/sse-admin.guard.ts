import {
  type CanActivate,
  type ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
} from '@nestjs/common';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import {
  type ResolvedSseOptions,
  SSE_RESOLVED_OPTIONS,
} from '../options/resolved-sse-options.interface.js';
import { SseHttpException } from './sse-http.exception.js';
import { SSE_IDENTITY_KEY } from './sse-user.decorator.js';

/** Lets through callers whose roles include `adminRole`; runs after {@link SseAuthGuard}. @internal */
@Injectable()
export class SseAdminGuard implements CanActivate {
  constructor(
    @Inject(SSE_RESOLVED_OPTIONS) private readonly options: ResolvedSseOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const identity = context
      .switchToHttp()
      .getRequest<{ [SSE_IDENTITY_KEY]?: SseIdentity }>()[SSE_IDENTITY_KEY];
    if (!identity?.roles.includes(this.options.adminRole)) {
      throw new SseHttpException(
        HttpStatus.FORBIDDEN,
        'forbidden',
        `This route requires the "${this.options.adminRole}" role.`,
      );
    }
    return true;
  }
}
