import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  SseAuthGuard,
  SseHttpException,
  type SseIdentity,
  SseUser,
} from 'nestjs-sse-broker';
import { LiveEvents } from '../live/live-events.service.js';
import type { Announcement } from './announcement.js';
import { AnnouncementDto } from './announcement.dto.js';
import { AnnouncementsRepository } from './announcements.repository.js';
import { ListAnnouncementsQuery } from './list-announcements.query.js';

@Controller('announcements')
@UseGuards(SseAuthGuard)
export class AnnouncementsController {
  constructor(
    private readonly announcements: AnnouncementsRepository,
    private readonly live: LiveEvents,
  ) {}

  /**
   * Admins store an announcement, then broadcast it as `announcement` to
   * every stream of their tenant; a page opened later lists it.
   */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  async announce(
    @SseUser() user: SseIdentity,
    @Body() dto: AnnouncementDto,
  ): Promise<Announcement> {
    if (!user.roles.includes('admin') || !user.tenantId) {
      throw new SseHttpException(
        HttpStatus.FORBIDDEN,
        'forbidden',
        'Only admins can make announcements.',
      );
    }
    const tenantId = user.tenantId;
    return this.live.transaction(async (tx) => {
      const announcement = await this.announcements.create(
        {
          tenantId,
          authorId: user.userId,
          title: dto.title,
          body: dto.body,
        },
        tx,
      );
      await tx.toTenant(tenantId, 'announcement', announcement);
      return announcement;
    });
  }

  /** The caller's tenant's announcements, newest first. */
  @Get()
  list(
    @SseUser() user: SseIdentity,
    @Query() query: ListAnnouncementsQuery,
  ): Promise<Announcement[]> {
    // A token without a tenant (the demo issues none) has no announcements.
    if (!user.tenantId) return Promise.resolve([]);
    return this.announcements.list(user.tenantId, query.limit ?? 20);
  }
}
