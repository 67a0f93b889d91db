import { Module } from '@nestjs/common';
import { SseModule } from '@app/sse';
import { AuthModule } from './auth/auth.module.js';
import { sseOptionsFromEnv } from './config/sse.config.js';
import { DatabaseModule } from './database/database.module.js';
import { UsersModule } from './users/users.module.js';

@Module({
  imports: [
    DatabaseModule,
    SseModule.forRootAsync({
      isGlobal: true,
      useFactory: () => sseOptionsFromEnv(),
    }),
    UsersModule,
    AuthModule,
  ],
})
export class AppModule {}
