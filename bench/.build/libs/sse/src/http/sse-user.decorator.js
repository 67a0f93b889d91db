import { createParamDecorator } from '@nestjs/common';
import { SSE_IDENTITY_KEY } from '../sse.internal-constants.js';
export const SseUser = createParamDecorator((_, context) => context.switchToHttp().getRequest()[SSE_IDENTITY_KEY]);
