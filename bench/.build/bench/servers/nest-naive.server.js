var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
import 'reflect-metadata';
import { Controller, Module, Query, Sse, } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { filter, map, Subject } from 'rxjs';
import { serveControl, trackConnections } from './control.js';
const bus = new Subject();
let NaiveSseController = class NaiveSseController {
    stream(user) {
        return bus.pipe(filter((m) => m.userId === undefined || m.userId === user), map((m) => ({ type: 'tick', id: String(m.id), data: m.data })));
    }
};
__decorate([
    Sse('sse'),
    __param(0, Query('user')),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String]),
    __metadata("design:returntype", Function)
], NaiveSseController.prototype, "stream", null);
NaiveSseController = __decorate([
    Controller()
], NaiveSseController);
let NaiveSseModule = class NaiveSseModule {
};
NaiveSseModule = __decorate([
    Module({ controllers: [NaiveSseController] })
], NaiveSseModule);
const app = await NestFactory.create(NaiveSseModule, {
    logger: ['error', 'warn'],
});
const server = app.getHttpServer();
trackConnections(server);
await app.listen(0, '127.0.0.1');
const { port } = server.address();
serveControl('B2', port, {
    broadcast(seq, payload) {
        bus.next({ id: seq, data: payload });
    },
    sendToUser(userId, seq, payload) {
        bus.next({ userId, id: seq, data: payload });
    },
});
