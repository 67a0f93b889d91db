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
import { isLibraryRoute } from './library-route.util.js';
import { isStateChanging } from './state-changing.util.js';

/**
 * Refuses a state-changing request whose body is not JSON with 415
 * `unsupported_media_type`. Every demo route takes JSON; an HTML form can only
 * send form-encoded, multipart or plain-text bodies, without the CORS
 * preflight a JSON body needs, and the body parser would otherwise turn a
 * form into the same object as the JSON. A request without a body (e.g.
 * `POST /auth/logout`) is accepted whatever its `Content-Type`.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  constructor(@InjectSseOptions() private readonly sse: ResolvedSseOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!isStateChanging(request.method) || isLibraryRoute(request, this.sse))
      return true;
    if (hasBody(request) && !request.is(['application/json', '+json'])) {
      throw new SseHttpException(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'unsupported_media_type',
        'Send the request body as JSON (Content-Type: application/json).',
      );
    }
    return true;
  }
}

/** `Content-Length: 0` is no body (type-is counts it as one). */
function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined ||
    (length !== undefined && length !== '0')
  );
}
