import { ConfigurableModuleBuilder } from '@nestjs/common';
import { createSseControllers } from './http/sse-controllers.factory.js';
import type {
  SseModuleExtras,
  SseModuleOptions,
} from './options/sse-module-options.interface.js';
import { DEFAULT_SSE_OPTIONS } from './options/sse-options.defaults.js';

/** Injection token of the registration's {@link SseModuleExtras}, defaults applied. @internal */
export const SSE_MODULE_EXTRAS = Symbol('SSE:MODULE_EXTRAS');

/**
 * `forRoot` / `forRootAsync`. The extras (`isGlobal`, `path`, `writer`,
 * `adminRoutes`, `decorators`) are known when the module is declared, even with
 * `forRootAsync`, so the routes are declared with Nest's decorators.
 */
export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SseModuleOptions>({ moduleName: 'Sse' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createSseOptions')
  .setExtras<SseModuleExtras>(
    {
      isGlobal: false,
      path: DEFAULT_SSE_OPTIONS.path,
      writer: DEFAULT_SSE_OPTIONS.writer,
      adminRoutes: DEFAULT_SSE_OPTIONS.adminRoutes,
      decorators: [],
    },
    (definition, given) => {
      const extras = {
        isGlobal: given.isGlobal,
        path: given.path,
        writer: given.writer,
        adminRoutes: given.adminRoutes,
        decorators: given.decorators,
      } as Required<SseModuleExtras>;
      return {
        ...definition,
        global: extras.isGlobal,
        controllers: createSseControllers(extras),
        providers: [
          ...(definition.providers ?? []),
          { provide: SSE_MODULE_EXTRAS, useValue: extras },
        ],
      };
    },
  )
  .build();
