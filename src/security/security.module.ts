import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JsonBodyGuard } from './json-body.guard.js';
import { SameOriginGuard } from './same-origin.guard.js';

/**
 * Request checks for every demo route, before authentication: where the
 * request comes from, then what its body is. Global guards run in the order
 * they are provided.
 */
@Module({
  providers: [
    { provide: APP_GUARD, useClass: SameOriginGuard },
    { provide: APP_GUARD, useClass: JsonBodyGuard },
  ],
})
export class SecurityModule {}
