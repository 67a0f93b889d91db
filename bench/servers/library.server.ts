/**
 * L-nest / L-direct: this library, as an application mounts it, with JWT
 * authentication and default options except the writer and the connection
 * and rate limits.
 * It publishes through the public `SseBroker` API only. With
 * `--transport=redis`, several of these share one Redis (scenario 6). With
 * `--adapter=fastify` (L-fastify), the same application on
 * `@nestjs/platform-fastify` instead of Express.
 */
import 'reflect-metadata';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import { SseBroker, SseModule, type SseWriter } from 'nestjs-sse-broker';
import { argOf, serveControl, trackConnections } from './control.js';

const writer = argOf('writer', 'direct') as SseWriter;
const secret = argOf('secret', 'bench-secret');
const transport = argOf('transport', 'memory');
const adapter = argOf('adapter', 'express');

@Module({
  imports: [
    SseModule.forRoot({
      isGlobal: true,
      auth: { secret },
      writer,
      maxConnections: 0,
      maxConnectionsPerUser: 0,
      // Counted as always, never reached: the bench connects thousands of
      // streams from one address within a minute.
      rateLimits: {
        connectsPerUser: { limit: 1_000_000 },
        connectsPerAddress: { limit: 1_000_000 },
      },
      transport:
        transport === 'redis'
          ? {
              type: 'redis',
              url: argOf('redis-url', 'redis://127.0.0.1:6379'),
              keyPrefix: argOf('redis-prefix', 'sse-bench:'),
            }
          : { type: 'memory' },
    }),
  ],
})
class LibraryBenchModule {}

const logger: ['error', 'warn'] = ['error', 'warn'];
// Fastify is loaded only for its variant: the Express variants' memory
// figures do not carry it.
const app: INestApplication =
  adapter === 'fastify'
    ? await NestFactory.create(
        LibraryBenchModule,
        new (await import('@nestjs/platform-fastify')).FastifyAdapter(),
        { logger },
      )
    : await NestFactory.create(LibraryBenchModule, { logger });
const server = app.getHttpServer() as Server;
trackConnections(server);
await app.listen(0, '127.0.0.1');
const { port } = server.address() as { port: number };
const broker = app.get(SseBroker);
const failed = (err: unknown) => console.error('publish failed', err);
const variant =
  transport === 'redis'
    ? 'L-redis'
    : adapter === 'fastify'
      ? 'L-fastify'
      : writer === 'nest'
        ? 'L-nest'
        : 'L-direct';
serveControl(variant, port, {
  broadcast(_seq, payload) {
    broker.broadcast('tick', payload).catch(failed);
  },
  sendToUser(userId, _seq, payload) {
    broker.sendToUser(userId, 'tick', payload).catch(failed);
  },
});
