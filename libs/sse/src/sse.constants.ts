import { Inject } from '@nestjs/common';
import { MODULE_OPTIONS_TOKEN } from './sse.module-definition.js';
import { SSE_RESOLVED_OPTIONS } from './sse.internal-constants.js';

/** Token of the options exactly as passed to `forRoot` / returned by `forRootAsync`'s factory. @publicApi */
export const SSE_MODULE_OPTIONS = MODULE_OPTIONS_TOKEN;

/** Returns the token of the resolved options (defaults applied). @publicApi */
export const getSseOptionsToken = (): symbol => SSE_RESOLVED_OPTIONS;

/**
 * Injects the resolved {@link SseModuleOptions} (every default applied).
 * @example constructor(@InjectSseOptions() private readonly options: ResolvedSseOptions) {}
 * @publicApi
 */
export const InjectSseOptions = (): PropertyDecorator & ParameterDecorator =>
  Inject(SSE_RESOLVED_OPTIONS);
