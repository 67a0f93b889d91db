import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { UsersModule } from '../users/users.module.js';
import { ApprovalTopicsAuthorizer } from './approval-topics.authorizer.js';
import { ApprovalsController } from './approvals.controller.js';
import { ApprovalsRepository } from './approvals.repository.js';
import { ApprovalsService } from './approvals.service.js';

@Module({
  imports: [UsersModule, NotificationsModule],
  controllers: [ApprovalsController],
  providers: [ApprovalsRepository, ApprovalsService, ApprovalTopicsAuthorizer],
  exports: [ApprovalTopicsAuthorizer],
})
export class ApprovalsModule {}
