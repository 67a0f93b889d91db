import {
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
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import type { SseMessage } from '../core/sse-message.interface.js';
import type { SseStats } from '../core/sse-stats.interface.js';
import type { SseModuleExtras } from '../options/sse-module-options.interface.js';
import type { SsePublishDto } from './dto/sse-publish.dto.js';
import type { SseAdapterRequest, SseAdapterResponse } from './raw-http.util.js';
import { SseAdminGuard } from './sse-admin.guard.js';
import { SseAdminHandler } from './sse-admin.handler.js';
import { SseAuthGuard } from './sse-auth.guard.js';
import { SseErrorFilter } from './sse-error.filter.js';
import { SseRawQuery } from './sse-raw-query.decorator.js';
import { SseJsonBodyGuard } from './sse-json-body.guard.js';
import { SseOriginGuard } from './sse-origin.guard.js';
import { type SseStreamQuery, SseStreamHandler } from './sse-stream.handler.js';
import { SseUser } from './sse-user.decorator.js';
import {
  SsePublishBodyPipe,
  SseStreamQueryPipe,
} from './sse-validation.pipes.js';

/** The route options of one registration, defaults applied. @internal */
export type SseRouteOptions = Required<
  Pick<SseModuleExtras, 'path' | 'writer' | 'adminRoutes'>
>;

/**
 * Declares the controllers of one module registration with Nest's own
 * decorators: `GET <path>/stream` with the chosen writer, and the admin
 * routes when enabled. Each registration gets classes of its own, so two
 * registrations in one process keep separate routes.
 * @internal
 */
export function createSseControllers(routes: SseRouteOptions): Type[] {
  const path = routes.path.replace(/^\/+|\/+$/g, '') || '/';
  const stream =
    routes.writer === 'nest'
      ? nestStreamController(path)
      : directStreamController(path);
  return routes.adminRoutes ? [stream, adminController(path)] : [stream];
}

function directStreamController(path: string): Type {
  @Controller(path)
  @UseGuards(SseOriginGuard, SseAuthGuard)
  @UseFilters(SseErrorFilter)
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

function nestStreamController(path: string): Type {
  @Controller(path)
  @UseGuards(SseOriginGuard, SseAuthGuard)
  @UseFilters(SseErrorFilter)
  class SseStreamController extends SseStreamHandler {
    @Sse('stream')
    stream(
      @Req() request: SseAdapterRequest,
      @Res({ passthrough: true }) response: SseAdapterResponse,
      @SseUser() identity: SseIdentity,
      @SseRawQuery(SseStreamQueryPipe) query: SseStreamQuery,
    ): Promise<Observable<MessageEvent>> {
      return this.streamNest(request, response, identity, query);
    }
  }
  return SseStreamController;
}

function adminController(path: string): Type {
  @Controller(path)
  @UseGuards(SseAuthGuard, SseAdminGuard)
  @UseFilters(SseErrorFilter)
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
    ): void {
      this.disconnectClient(admin, clientId);
    }
  }
  return SseAdminController;
}
