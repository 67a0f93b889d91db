import { Module } from '@nestjs/common';
import { SseModule } from '@app/sse';
import { AuthModule } from './auth/auth.module.js';
import { sseOptionsFromEnv } from './config/sse.config.js';
import { DatabaseModule } from './database/database.module.js';
import { LiveModule } from './live/live.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { UsersModule } from './users/users.module.js';

@Module({
  imports: [
    DatabaseModule,
    SseModule.forRootAsync({
      isGlobal: true,
      useFactory: () => sseOptionsFromEnv(),
    }),
    LiveModule,
    UsersModule,
    AuthModule,
    NotificationsModule,
  ],
})
export class AppModule {}
