import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Post,
  Res,
  UseGuards,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Response } from 'express';
import {
  SseAuthGuard,
  SseHttpException,
  type SseIdentity,
  SseUser,
} from '@app/sse';
import { jwtSecret } from '../config/jwt-secret.js';
import { UsersRepository } from '../users/users.repository.js';
import { LoginDto } from './login.dto.js';
import { verifyPassword } from './password.js';

/** The cookie the browser's EventSource sends by itself (the library's default `auth.cookieName`). */
export const TOKEN_COOKIE = 'sse_token';
const TOKEN_TTL_SECONDS = 8 * 3600;

@Controller('auth')
export class AuthController {
  private readonly jwt = new JwtService();

  constructor(private readonly users: UsersRepository) {}

  /** Demo login: returns the token and sets it as an HttpOnly, SameSite=Strict cookie. */
  @Post('login')
  @HttpCode(HttpStatus.OK)
  async login(
    @Body() body: LoginDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ access_token: string }> {
    const user = await this.users.findWithPassword(body.username);
    if (!user || !(await verifyPassword(body.password, user.passwordHash))) {
      throw new SseHttpException(
        HttpStatus.UNAUTHORIZED,
        'invalid_credentials',
        'Unknown user or wrong password.',
      );
    }
    const token = this.jwt.sign(
      { sub: user.id, tid: user.tenantId, roles: user.roles },
      { secret: jwtSecret(), expiresIn: TOKEN_TTL_SECONDS },
    );
    res.cookie(TOKEN_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: process.env.NODE_ENV === 'production',
      path: '/',
      maxAge: TOKEN_TTL_SECONDS * 1000,
    });
    return { access_token: token };
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  logout(@Res({ passthrough: true }) res: Response): void {
    res.clearCookie(TOKEN_COOKIE, { path: '/' });
  }

  /** The caller, as the token describes it, with the display name. */
  @Get('me')
  @UseGuards(SseAuthGuard)
  async me(@SseUser() identity: SseIdentity): Promise<{
    id: string;
    tenantId?: string;
    roles: string[];
    displayName: string;
  }> {
    const user = await this.users.findInTenant(
      identity.userId,
      identity.tenantId ?? '',
    );
    return {
      id: identity.userId,
      tenantId: identity.tenantId,
      roles: identity.roles,
      displayName: user?.displayName ?? identity.userId,
    };
  }
}
