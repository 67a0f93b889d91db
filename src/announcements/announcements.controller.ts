import {
  Body,
  Controller,
  HttpCode,
  HttpStatus,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  SseAuthGuard,
  SseHttpException,
  type SseIdentity,
  SseUser,
} from '@app/sse';
import { LiveEvents } from '../live/live-events.service.js';
import { AnnouncementDto } from './announcement.dto.js';

@Controller('announcements')
@UseGuards(SseAuthGuard)
export class AnnouncementsController {
  constructor(private readonly live: LiveEvents) {}

  /** Admins broadcast an `announcement` to every stream of their tenant. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  async announce(
    @SseUser() user: SseIdentity,
    @Body() dto: AnnouncementDto,
  ): Promise<void> {
    if (!user.roles.includes('admin') || !user.tenantId) {
      throw new SseHttpException(
        HttpStatus.FORBIDDEN,
        'forbidden',
        'Only admins can make announcements.',
      );
    }
    await this.live.toTenant(user.tenantId, 'announcement', {
      title: dto.title,
      body: dto.body,
      by: user.userId,
      at: new Date().toISOString(),
    });
  }
}
