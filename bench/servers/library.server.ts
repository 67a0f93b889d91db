/**
 * L-nest / L-direct: this library, as an application mounts it, with JWT
 * authentication and default options except the writer and open limits.
 * It publishes through the public `SseBroker` API only. With
 * `--transport=redis`, several of these share one Redis (scenario 6).
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import { SseBroker, SseModule, type SseWriter } from '@app/sse';
import { argOf, serveControl, trackConnections } from './control.js';

const writer = argOf('writer', 'direct') as SseWriter;
const secret = argOf('secret', 'bench-secret');
const transport = argOf('transport', 'memory');

@Module({
  imports: [
    SseModule.forRoot({
      isGlobal: true,
      auth: { secret },
      writer,
      maxConnections: 0,
      maxConnectionsPerUser: 0,
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

const app = await NestFactory.create(LibraryBenchModule, {
  logger: ['error', 'warn'],
});
const server = app.getHttpServer() as Server;
trackConnections(server);
await app.listen(0, '127.0.0.1');
const { port } = server.address() as { port: number };
const broker = app.get(SseBroker);
const failed = (err: unknown) => console.error('publish failed', err);
const variant =
  transport === 'redis' ? 'L-redis' : writer === 'nest' ? 'L-nest' : 'L-direct';
serveControl(variant, port, {
  broadcast(_seq, payload) {
    broker.broadcast('tick', payload).catch(failed);
  },
  sendToUser(userId, _seq, payload) {
    broker.sendToUser(userId, 'tick', payload).catch(failed);
  },
});
