var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Controller, Delete, Get, HttpCode, Post, Sse, } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { SseAdminController } from './sse-admin.controller.js';
import { SseStreamController } from './sse-stream.controller.js';
export function createSseControllers() {
    let SseStreamRoutes = class SseStreamRoutes extends SseStreamController {
    };
    SseStreamRoutes = __decorate([
        Controller()
    ], SseStreamRoutes);
    let SseAdminRoutes = class SseAdminRoutes extends SseAdminController {
    };
    SseAdminRoutes = __decorate([
        Controller()
    ], SseAdminRoutes);
    return { stream: SseStreamRoutes, admin: SseAdminRoutes };
}
export function mountSseRoutes(controllers, options) {
    const prefix = options.path || '/';
    Reflect.defineMetadata(PATH_METADATA, prefix, controllers.stream);
    Reflect.defineMetadata(PATH_METADATA, prefix, controllers.admin);
    if (options.writer === 'nest') {
        route(controllers.stream, 'streamNest', Sse('stream'));
    }
    else {
        route(controllers.stream, 'streamDirect', Get('stream'));
    }
    if (options.adminRoutes) {
        route(controllers.admin, 'publish', Post('publish'), HttpCode(202));
        route(controllers.admin, 'stats', Get('stats'));
        route(controllers.admin, 'online', Get('online'));
        route(controllers.admin, 'disconnectClient', Delete('clients/:id'), HttpCode(204));
    }
}
function route(controller, name, ...decorators) {
    const inherited = Object.getPrototypeOf(controller.prototype)[name];
    const own = function (...args) {
        return inherited.apply(this, args);
    };
    Object.defineProperty(own, 'name', { value: name });
    Object.defineProperty(controller.prototype, name, {
        value: own,
        writable: true,
        configurable: true,
    });
    const descriptor = Object.getOwnPropertyDescriptor(controller.prototype, name);
    decorators.forEach((decorate) => decorate(controller.prototype, name, descriptor));
}
