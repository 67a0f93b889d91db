import { Module } from '@nestjs/common';
import { SseModule } from '@app/sse';
import { sseOptionsFromEnv } from './config/sse.config.js';

@Module({
  imports: [
    SseModule.forRootAsync({
      isGlobal: true,
      useFactory: () => sseOptionsFromEnv(),
    }),
  ],
})
export class AppModule {}
