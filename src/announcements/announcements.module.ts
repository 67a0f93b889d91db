import { Module } from '@nestjs/common';
import { AnnouncementsController } from './announcements.controller.js';
import { AnnouncementsRepository } from './announcements.repository.js';

@Module({
  controllers: [AnnouncementsController],
  providers: [AnnouncementsRepository],
})
export class AnnouncementsModule {}
