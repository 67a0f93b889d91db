var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SseBroker, SseModule } from '@app/sse';
import { argOf, serveControl, trackConnections } from './control.js';
const writer = argOf('writer', 'direct');
const secret = argOf('secret', 'bench-secret');
let LibraryBenchModule = class LibraryBenchModule {
};
LibraryBenchModule = __decorate([
    Module({
        imports: [
            SseModule.forRoot({
                isGlobal: true,
                auth: { secret },
                writer,
                maxConnections: 0,
                maxConnectionsPerUser: 0,
            }),
        ],
    })
], LibraryBenchModule);
const app = await NestFactory.create(LibraryBenchModule, {
    logger: ['error', 'warn'],
});
const server = app.getHttpServer();
trackConnections(server);
await app.listen(0, '127.0.0.1');
const { port } = server.address();
const broker = app.get(SseBroker);
const failed = (err) => console.error('publish failed', err);
serveControl(writer === 'nest' ? 'L-nest' : 'L-direct', port, {
    broadcast(_seq, payload) {
        broker.broadcast('tick', payload).catch(failed);
    },
    sendToUser(userId, _seq, payload) {
        broker.sendToUser(userId, 'tick', payload).catch(failed);
    },
});
