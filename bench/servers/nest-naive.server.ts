/**
 * B2: what a Nest user writes without a library. One global Subject, and
 * every `@Sse()` connection filters it for its own user; Nest formats each
 * event per connection and writes it behind a Promise.
 */
import 'reflect-metadata';
import {
  Controller,
  type MessageEvent,
  Module,
  Query,
  Sse,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import { filter, map, type Observable, Subject } from 'rxjs';
import {
  type BenchPayload,
  serveControl,
  trackConnections,
} from './control.js';

interface BusMessage {
  /** Undefined: every connection. */
  userId?: string;
  id: number;
  data: BenchPayload;
}

const bus = new Subject<BusMessage>();

@Controller()
class NaiveSseController {
  @Sse('sse')
  stream(@Query('user') user: string): Observable<MessageEvent> {
    return bus.pipe(
      filter((m) => m.userId === undefined || m.userId === user),
      map((m) => ({ type: 'tick', id: String(m.id), data: m.data })),
    );
  }
}

@Module({ controllers: [NaiveSseController] })
class NaiveSseModule {}

const app = await NestFactory.create(NaiveSseModule, {
  logger: ['error', 'warn'],
});
const server = app.getHttpServer() as Server;
trackConnections(server);
await app.listen(0, '127.0.0.1');
const { port } = server.address() as { port: number };
serveControl('B2', port, {
  broadcast(seq, payload) {
    bus.next({ id: seq, data: payload });
  },
  sendToUser(userId, seq, payload) {
    bus.next({ userId, id: seq, data: payload });
  },
});
