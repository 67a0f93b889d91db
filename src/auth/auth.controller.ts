import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  HttpStatus,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Request, Response } from 'express';
import {
  SseAuthenticator,
  SseAuthGuard,
  SseBroker,
  type SseIdentity,
  SseUser,
} from 'nestjs-sse-broker';
import { jwtSecret } from '../config/jwt-secret.js';
import { UsersRepository } from '../users/users.repository.js';
import { AuthService } from './auth.service.js';
import { LoginDto } from './login.dto.js';
import { RetryAfterFilter } from './retry-after.filter.js';

/** The cookie the browser's EventSource sends by itself (the library's default `auth.cookieName`). */
export const TOKEN_COOKIE = 'sse_token';
const TOKEN_TTL_SECONDS = 8 * 3600;

@Controller('auth')
export class AuthController {
  private readonly jwt = new JwtService();

  constructor(
    private readonly users: UsersRepository,
    private readonly auth: AuthService,
    private readonly sse: SseBroker,
    @Inject(SseAuthenticator) private readonly tokens: SseAuthenticator,
  ) {}

  /**
   * Demo login: returns the token and sets it as an HttpOnly, SameSite=Strict
   * cookie. 401 `invalid_credentials`; 429 `too_many_attempts` with
   * `Retry-After` after too many failures for the username or the address.
   */
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @UseFilters(RetryAfterFilter)
  async login(
    @Body() body: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ access_token: string }> {
    // The socket's address unless Express is told to trust a proxy.
    const user = await this.auth.authenticate(
      body.username,
      body.password,
      req.ip ?? 'unknown',
    );
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

  /**
   * Clears the cookie and, when the request carries a valid token, signs its
   * user out everywhere: the user's streams in other tabs and devices close,
   * and the tokens issued before now are refused until they would expire.
   */
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logout(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    res.clearCookie(TOKEN_COOKIE, { path: '/' });
    // An expired or already revoked token has nothing left to sign out.
    const identity = await Promise.resolve(this.tokens.authenticate(req)).catch(
      () => null,
    );
    if (identity)
      await this.sse.revokeUser(identity.userId, {
        tenantId: identity.tenantId,
        ttl: TOKEN_TTL_SECONDS * 1000,
      });
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
