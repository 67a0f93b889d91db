import {
  type CanActivate,
  type ExecutionContext,
  HttpStatus,
  Injectable,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { SseHttpException } from './sse-http.exception.js';

/**
 * Lets through only requests whose body is declared JSON
 * (`Content-Type: application/json`, parameters such as `charset` allowed);
 * others get `415 unsupported_media_type` before the body is looked at.
 *
 * An application's body parsers also read form and text bodies, which a
 * plain HTML form on any site can send without a preflight; a JSON body
 * cannot be sent cross-site without one.
 * @internal
 */
@Injectable()
export class SseJsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const type = context.switchToHttp().getRequest<IncomingMessage>().headers[
      'content-type'
    ];
    const media = type?.split(';', 1)[0].trim().toLowerCase();
    if (media !== 'application/json') {
      throw new SseHttpException(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'unsupported_media_type',
        'The body must be JSON: send "Content-Type: application/json".',
      );
    }
    return true;
  }
}
