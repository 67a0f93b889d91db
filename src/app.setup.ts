import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { setSseServerTimeouts } from 'nestjs-sse-broker';
import { AppModule } from './app.module.js';

/** What main.ts and the e2e specs both apply to the application, before it listens. */
export function configureApp(app: INestApplication): void {
  // Slow or silent clients are dropped within seconds; open streams are not.
  setSseServerTimeouts(app.getHttpServer());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
    }),
  );
  app.enableShutdownHooks();
}

/** Creates the demo application, configured, not yet listening. */
export async function createApp(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    logger: ['error', 'warn', 'log'],
  });
  configureApp(app);
  return app;
}
