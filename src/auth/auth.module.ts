import { Module } from '@nestjs/common';
import { loginLimitsFromEnv } from '../config/login-limits.config.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService, LOGIN_LIMITS } from './auth.service.js';
import { PasswordHasher } from './password.hasher.js';

@Module({
  imports: [UsersModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    PasswordHasher,
    { provide: LOGIN_LIMITS, useFactory: () => loginLimitsFromEnv() },
  ],
})
export class AuthModule {}
