import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  type MessageEvent,
  Param,
  Post,
  Req,
  Res,
  Sse,
  type Type,
  UseFilters,
  UseGuards,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import type { SseMessage } from '../core/sse-message.interface.js';
import type { SseStats } from '../core/sse-stats.interface.js';
import type { SseModuleExtras } from '../options/sse-module-options.interface.js';
import { check } from '../options/sse-option.rules.js';
import type { SsePublishDto } from './dto/sse-publish.dto.js';
import type { SseAdapterRequest, SseAdapterResponse } from './raw-http.util.js';
import { SseAddressRateGuard } from './sse-address-rate.guard.js';
import { SseAdminGuard } from './sse-admin.guard.js';
import { SseAdminHandler } from './sse-admin.handler.js';
import { SseAuthGuard } from './sse-auth.guard.js';
import { SseClientHandler } from './sse-client.handler.js';
import { SseErrorFilter } from './sse-error.filter.js';
import { SseRawQuery } from './sse-raw-query.decorator.js';
import { SseJsonBodyGuard } from './sse-json-body.guard.js';
import { SseOriginGuard } from './sse-origin.guard.js';
import type { SseStreamQuery } from './sse-stream-admission.js';
import { SseStreamAdmissionGuard } from './sse-stream-admission.guard.js';
import { SseStreamHandler } from './sse-stream.handler.js';
import { SseUser } from './sse-user.decorator.js';
import {
  SsePublishBodyPipe,
  SseStreamQueryPipe,
  type SseTopicsChange,
  SseTopicsChangePipe,
} from './sse-validation.pipes.js';

/** The route options of one registration, defaults applied. @internal */
export type SseRouteOptions = Required<
  Pick<SseModuleExtras, 'path' | 'writer' | 'adminRoutes'>
> &
  Pick<SseModuleExtras, 'decorators'>;

/**
 * Declares the controllers of one module registration with Nest's own
 * decorators: `GET <path>/stream` with the chosen writer, the stream
 * owner's `POST <path>/clients/:id/token` and `.../topics`, and the admin
 * routes when enabled. Each registration gets classes of its own, so two
 * registrations in one process keep separate routes. The application's
 * `decorators` are applied to each class first, so the guards they add run
 * before the library's. The routes are version-neutral: with the
 * application's versioning on, their URL stays the same (an EventSource can
 * send neither a version header nor a media-type parameter, and its URL is
 * the library's protocol, not a version of the application's API).
 * @internal
 */
export function createSseControllers(routes: SseRouteOptions): Type[] {
  const path = routes.path.replace(/^\/+|\/+$/g, '') || '/';
  const decorators = routes.decorators ?? [];
  check(
    'decorators',
    Array.isArray(decorators) &&
      decorators.every((decorator) => typeof decorator === 'function'),
    'an array of class decorators, e.g. [Public()]',
    Array.isArray(decorators) ? decorators.map(describeEntry) : decorators,
  );
  const fromApplication = applyDecorators(...decorators);
  const stream =
    routes.writer === 'nest'
      ? nestStreamController(path, fromApplication)
      : directStreamController(path, fromApplication);
  const client = clientController(path, fromApplication);
  return routes.adminRoutes
    ? [stream, client, adminController(path, fromApplication)]
    : [stream, client];
}

/** What the error message shows of one entry: never a function's source. */
function describeEntry(entry: unknown): unknown {
  return typeof entry === 'function' ? 'function' : entry;
}

function directStreamController(
  path: string,
  fromApplication: ClassDecorator,
): Type {
  @Controller({ path, version: VERSION_NEUTRAL })
  @UseGuards(SseOriginGuard, SseAddressRateGuard, SseAuthGuard)
  @UseFilters(SseErrorFilter)
  @fromApplication
  class SseStreamController extends SseStreamHandler {
    @Get('stream')
    stream(
      @Req() request: SseAdapterRequest,
      @Res() response: SseAdapterResponse,
      @SseUser() identity: SseIdentity,
      @SseRawQuery(SseStreamQueryPipe) query: SseStreamQuery,
    ): Promise<void> {
      return this.streamDirect(request, response, identity, query);
    }
  }
  return SseStreamController;
}

function nestStreamController(
  path: string,
  fromApplication: ClassDecorator,
): Type {
  @Controller({ path, version: VERSION_NEUTRAL })
  @UseGuards(
    SseOriginGuard,
    SseAddressRateGuard,
    SseAuthGuard,
    SseStreamAdmissionGuard,
  )
  @UseFilters(SseErrorFilter)
  @fromApplication
  class SseStreamController extends SseStreamHandler {
    @Sse('stream')
    stream(@Req() request: SseAdapterRequest): Observable<MessageEvent> {
      return this.streamNest(request);
    }
  }
  return SseStreamController;
}

/** The stream owner's routes, on every registration. */
function clientController(path: string, fromApplication: ClassDecorator): Type {
  @Controller({ path, version: VERSION_NEUTRAL })
  @UseGuards(SseOriginGuard, SseAuthGuard)
  @UseFilters(SseErrorFilter)
  @fromApplication
  class SseClientController extends SseClientHandler {
    @Post('clients/:id/token')
    @HttpCode(204)
    tokenRoute(
      @SseUser() identity: SseIdentity,
      @Param('id') clientId: string,
    ): Promise<void> {
      return this.refreshToken(identity, clientId);
    }

    @Post('clients/:id/topics')
    @HttpCode(200)
    @UseGuards(SseJsonBodyGuard)
    topicsRoute(
      @SseUser() identity: SseIdentity,
      @Param('id') clientId: string,
      // Reflected as Object: an application's global pipes leave it alone.
      @Body(SseTopicsChangePipe) change: Readonly<SseTopicsChange>,
    ): Promise<{ topics: string[] }> {
      return this.changeTopics(identity, clientId, change);
    }
  }
  return SseClientController;
}

function adminController(path: string, fromApplication: ClassDecorator): Type {
  @Controller({ path, version: VERSION_NEUTRAL })
  @UseGuards(SseAuthGuard, SseAdminGuard)
  @UseFilters(SseErrorFilter)
  @fromApplication
  class SseAdminController extends SseAdminHandler {
    @Post('publish')
    @HttpCode(202)
    @UseGuards(SseJsonBodyGuard)
    publishRoute(
      @SseUser() admin: SseIdentity,
      // Reflected as Object: an application's global pipes leave it alone.
      @Body(SsePublishBodyPipe) body: Readonly<SsePublishDto>,
    ): Promise<Omit<SseMessage, 'data'>> {
      return this.publish(admin, body);
    }

    @Get('stats')
    statsRoute(): Promise<SseStats> {
      return this.stats();
    }

    @Get('online')
    onlineRoute(@SseUser() admin: SseIdentity): Promise<{ userIds: string[] }> {
      return this.online(admin);
    }

    @Delete('clients/:id')
    @HttpCode(204)
    disconnectRoute(
      @SseUser() admin: SseIdentity,
      @Param('id') clientId: string,
    ): Promise<void> {
      return this.disconnectClient(admin, clientId);
    }
  }
  return SseAdminController;
}
