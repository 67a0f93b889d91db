import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { SseHttpException } from 'nestjs-sse-broker';
import type { LoginLimits } from '../config/login-limits.config.js';
import { type User, UsersRepository } from '../users/users.repository.js';
import { FailureWindow } from './failure-window.js';
import { PasswordHasher } from './password.hasher.js';
import { TooManyAttemptsException } from './too-many-attempts.exception.js';

/** Injection token of the {@link LoginLimits}. */
export const LOGIN_LIMITS = Symbol('LOGIN_LIMITS');

/**
 * The scrypt hash of a random password nobody knows, made with the same
 * parameters as real hashes. An unknown username is checked against it, so
 * that it costs the same work as a known one and the answer's timing does not
 * tell which usernames exist.
 */
export const DUMMY_PASSWORD_HASH =
  'scrypt$6NY8q6DaEJWQedrioOV5pQ==$NLtnECFN/f9kgisBh6mjTUp6M7GdcoLejjlyYMstdlE=';

/**
 * Checks a username and password, refusing guessers: failed logins are
 * counted per username and per client address in sliding windows, and once
 * either has failed its limit, logins answer 429 until the oldest counted
 * failure leaves the window, whether the password is right or not. A failure
 * is counted before the password is checked, so that concurrent guesses
 * cannot all slip in under the limit; a success takes it back.
 */
@Injectable()
export class AuthService {
  private readonly byUsername: FailureWindow;
  private readonly byAddress: FailureWindow;

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    @Inject(LOGIN_LIMITS) limits: LoginLimits,
  ) {
    this.byUsername = new FailureWindow(limits.perUser, limits.windowMs);
    this.byAddress = new FailureWindow(limits.perAddress, limits.windowMs);
  }

  /**
   * The user with this username and password.
   * @throws TooManyAttemptsException (429) while the username or the address is refused
   * @throws SseHttpException 401 `invalid_credentials`, the same for an unknown user and a wrong password
   */
  async authenticate(
    username: string,
    password: string,
    address: string,
  ): Promise<User> {
    const wait = Math.max(
      this.byUsername.blockedFor(username),
      this.byAddress.blockedFor(address),
    );
    if (wait > 0) throw new TooManyAttemptsException(Math.ceil(wait / 1000));
    this.byUsername.fail(username);
    this.byAddress.fail(address);

    const found = await this.users.findWithPassword(username);
    const matches = await this.hasher.verify(
      password,
      found?.passwordHash ?? DUMMY_PASSWORD_HASH,
    );
    if (!found || !matches) {
      throw new SseHttpException(
        HttpStatus.UNAUTHORIZED,
        'invalid_credentials',
        'Unknown user or wrong password.',
      );
    }
    this.byUsername.clear(username);
    this.byAddress.forgiveLatest(address);
    const { passwordHash: _hash, ...user } = found;
    return user;
  }
}
