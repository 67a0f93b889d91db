import { Module } from '@nestjs/common';
import { SseModule } from 'nestjs-sse-broker';
import { Registry } from 'prom-client';
import { AnnouncementsModule } from './announcements/announcements.module.js';
import { ApprovalTopicsAuthorizer } from './approvals/approval-topics.authorizer.js';
import { ApprovalsModule } from './approvals/approvals.module.js';
import { AuthModule } from './auth/auth.module.js';
import { sseOptionsFromEnv, sseRoutesFromEnv } from './config/sse.config.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './health/metrics.module.js';
import { LiveModule } from './live/live.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { SecurityModule } from './security/security.module.js';
import { UsersModule } from './users/users.module.js';
import { WebModule } from './web/web.module.js';

@Module({
  imports: [
    DatabaseModule,
    SseModule.forRootAsync({
      isGlobal: true,
      ...sseRoutesFromEnv(),
      imports: [ApprovalsModule, MetricsModule],
      inject: [ApprovalTopicsAuthorizer, Registry],
      useFactory: (
        topicAuthorizer: ApprovalTopicsAuthorizer,
        registry: Registry,
      ) => ({
        ...sseOptionsFromEnv(),
        topicAuthorizer,
        metrics: { registry },
      }),
    }),
    SecurityModule,
    LiveModule,
    UsersModule,
    AuthModule,
    NotificationsModule,
    ApprovalsModule,
    AnnouncementsModule,
    WebModule,
    HealthModule,
  ],
})
export class AppModule {}
