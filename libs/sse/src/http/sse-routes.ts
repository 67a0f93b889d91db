import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Sse,
  type Type,
} from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import type { ResolvedSseOptions } from '../sse.options.js';
import { SseAdminController } from './sse-admin.controller.js';
import { SseStreamController } from './sse-stream.controller.js';

/** The controllers of one `SseModule` registration. @internal */
export interface SseControllers {
  stream: Type<SseStreamController>;
  admin: Type<SseAdminController>;
}

/**
 * Fresh controller classes for one module registration. Routes are mounted
 * on them later by {@link mountSseRoutes}, once the (possibly async) options
 * are known: Nest reads route metadata when the application initialises,
 * after every provider has been created.
 * @internal
 */
export function createSseControllers(): SseControllers {
  @Controller()
  class SseStreamRoutes extends SseStreamController {}
  @Controller()
  class SseAdminRoutes extends SseAdminController {}
  return { stream: SseStreamRoutes, admin: SseAdminRoutes };
}

/** Mounts `<path>/stream` with the chosen writer, and the admin routes when enabled. @internal */
export function mountSseRoutes(
  controllers: SseControllers,
  options: ResolvedSseOptions,
): void {
  const prefix = options.path || '/';
  Reflect.defineMetadata(PATH_METADATA, prefix, controllers.stream);
  Reflect.defineMetadata(PATH_METADATA, prefix, controllers.admin);
  if (options.writer === 'nest') {
    route(controllers.stream, 'streamNest', Sse('stream'));
  } else {
    route(controllers.stream, 'streamDirect', Get('stream'));
  }
  if (options.adminRoutes) {
    route(controllers.admin, 'publish', Post('publish'), HttpCode(202));
    route(controllers.admin, 'stats', Get('stats'));
    route(controllers.admin, 'online', Get('online'));
    route(
      controllers.admin,
      'disconnectClient',
      Delete('clients/:id'),
      HttpCode(204),
    );
  }
}

/**
 * Gives the registration's class its own function for `name`, so that route
 * metadata (kept on the function) belongs to this registration alone, and
 * decorates it.
 */
function route<T extends object>(
  controller: Type<T>,
  name: keyof T & string,
  ...decorators: MethodDecorator[]
): void {
  const inherited = Object.getPrototypeOf(controller.prototype)[name] as (
    ...args: unknown[]
  ) => unknown;
  const own = function (this: T, ...args: unknown[]) {
    return inherited.apply(this, args);
  };
  Object.defineProperty(own, 'name', { value: name });
  Object.defineProperty(controller.prototype, name, {
    value: own,
    writable: true,
    configurable: true,
  });
  const descriptor = Object.getOwnPropertyDescriptor(
    controller.prototype,
    name,
  )!;
  decorators.forEach((decorate) =>
    decorate(controller.prototype, name, descriptor),
  );
}
