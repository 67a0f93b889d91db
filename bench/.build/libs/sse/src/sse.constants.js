import { Inject } from '@nestjs/common';
import { MODULE_OPTIONS_TOKEN } from './sse.module-definition.js';
import { SSE_RESOLVED_OPTIONS } from './sse.internal-constants.js';
export const SSE_MODULE_OPTIONS = MODULE_OPTIONS_TOKEN;
export const getSseOptionsToken = () => SSE_RESOLVED_OPTIONS;
export const InjectSseOptions = () => Inject(SSE_RESOLVED_OPTIONS);
