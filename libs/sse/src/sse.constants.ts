import { Inject } from '@nestjs/common';
import { SSE_RESOLVED_OPTIONS } from './options/resolved-sse-options.interface.js';
import { MODULE_OPTIONS_TOKEN } from './sse.module-definition.js';

/** Token of the options exactly as passed to `forRoot` / returned by `forRootAsync`'s factory (without the extras). @publicApi */
export const SSE_MODULE_OPTIONS = MODULE_OPTIONS_TOKEN;

/** Returns the token of the resolved options (defaults applied). @publicApi */
export const getSseOptionsToken = (): symbol => SSE_RESOLVED_OPTIONS;

/**
 * Injects the resolved options (every default applied).
 * @example constructor(@InjectSseOptions() private readonly options: ResolvedSseOptions) {}
 * @publicApi
 */
export const InjectSseOptions = (): PropertyDecorator & ParameterDecorator =>
  Inject(SSE_RESOLVED_OPTIONS);
