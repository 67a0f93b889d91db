import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { SseAuthGuard, type SseIdentity, SseUser } from 'nestjs-sse-broker';
import type { Notification } from './notification.js';
import {
  CreateNotificationDto,
  ListNotificationsQuery,
} from './notifications.dto.js';
import { NotificationsService } from './notifications.service.js';

@Controller('notifications')
@UseGuards(SseAuthGuard)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post()
  send(
    @SseUser() user: SseIdentity,
    @Body() dto: CreateNotificationDto,
  ): Promise<Notification> {
    return this.notifications.send(user, dto);
  }

  @Get()
  list(
    @SseUser() user: SseIdentity,
    @Query() query: ListNotificationsQuery,
  ): Promise<Notification[]> {
    return this.notifications.list(user, query);
  }

  @Get('unread-count')
  async unreadCount(
    @SseUser() user: SseIdentity,
  ): Promise<{ unreadCount: number }> {
    return { unreadCount: await this.notifications.unreadCount(user) };
  }

  @Patch(':id/read')
  markRead(
    @SseUser() user: SseIdentity,
    @Param('id') id: string,
  ): Promise<Notification> {
    return this.notifications.markRead(user, id);
  }

  @Post('read-all')
  @HttpCode(HttpStatus.OK)
  markAllRead(
    @SseUser() user: SseIdentity,
  ): Promise<{ ids: string[]; unreadCount: number }> {
    return this.notifications.markAllRead(user);
  }
}
