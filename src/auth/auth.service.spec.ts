import type { UsersRepository } from '../users/users.repository.js';
import { AuthService, DUMMY_PASSWORD_HASH } from './auth.service.js';
import { PasswordHasher } from './password.hasher.js';
import { hashPassword } from './password.js';
import { TooManyAttemptsException } from './too-many-attempts.exception.js';

describe('AuthService', () => {
  async function setup(limits = { perUser: 5, perAddress: 20 }) {
    const alice = {
      id: 'alice',
      tenantId: 'acme',
      displayName: 'Alice',
      roles: [],
      passwordHash: await hashPassword('password'),
    };
    const users = {
      findWithPassword: async (id: string) =>
        id === 'alice' ? alice : undefined,
    } as unknown as UsersRepository;
    const hasher = new PasswordHasher();
    const checked: string[] = [];
    const verify = hasher.verify.bind(hasher);
    hasher.verify = (password, stored) => {
      checked.push(stored);
      return verify(password, stored);
    };
    const auth = new AuthService(users, hasher, {
      ...limits,
      windowMs: 60_000,
    });
    return { auth, checked, alice };
  }

  it('checks a password hash for an unknown user too (a dummy one), as for a known user with a wrong password', async () => {
    const { auth, checked, alice } = await setup();
    await expect(
      auth.authenticate('mallory', 'password', '10.0.0.1'),
    ).rejects.toMatchObject({ code: 'invalid_credentials', status: 401 });
    await expect(
      auth.authenticate('alice', 'wrong', '10.0.0.1'),
    ).rejects.toMatchObject({ code: 'invalid_credentials', status: 401 });
    expect(checked).toEqual([DUMMY_PASSWORD_HASH, alice.passwordHash]);
  });

  it('has a dummy hash of the same scheme and parameters as real ones', async () => {
    const real = (await hashPassword('x')).split('$');
    const dummy = DUMMY_PASSWORD_HASH.split('$');
    expect(dummy[0]).toBe(real[0]);
    expect(Buffer.from(dummy[1], 'base64').length).toBe(
      Buffer.from(real[1], 'base64').length,
    );
    expect(Buffer.from(dummy[2], 'base64').length).toBe(
      Buffer.from(real[2], 'base64').length,
    );
  });

  it('returns the user without its hash on the right password', async () => {
    const { auth } = await setup();
    await expect(
      auth.authenticate('alice', 'password', '10.0.0.1'),
    ).resolves.toEqual({
      id: 'alice',
      tenantId: 'acme',
      displayName: 'Alice',
      roles: [],
    });
  });

  it('lets no more concurrent guesses through than the limit', async () => {
    const { auth, checked } = await setup({ perUser: 3, perAddress: 100 });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        auth.authenticate('alice', 'wrong', '10.0.0.1'),
      ),
    );
    const reasons = results.map((r) =>
      r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok',
    );
    expect(reasons.filter((c) => c === 'invalid_credentials')).toHaveLength(3);
    expect(reasons.filter((c) => c === 'too_many_attempts')).toHaveLength(7);
    expect(checked).toHaveLength(3);
  });

  it('forgets the username failures on success, and does not count a success against the address', async () => {
    const { auth } = await setup({ perUser: 2, perAddress: 2 });
    await expect(
      auth.authenticate('alice', 'wrong', '10.0.0.1'),
    ).rejects.toBeDefined();
    for (let i = 0; i < 3; i++)
      await expect(
        auth.authenticate('alice', 'password', '10.0.0.1'),
      ).resolves.toBeDefined();
    await expect(
      auth.authenticate('alice', 'wrong', '10.0.0.1'),
    ).rejects.toMatchObject({ code: 'invalid_credentials' });
    const blocked = await auth
      .authenticate('alice', 'password', '10.0.0.1')
      .catch((err: unknown) => err);
    expect(blocked).toBeInstanceOf(TooManyAttemptsException);
    // The window's 60 s from the first counted failure, rounded up: less only
    // by the time the attempts themselves took.
    const { retryAfterSeconds } = blocked as TooManyAttemptsException;
    expect(retryAfterSeconds).toBeGreaterThan(50);
    expect(retryAfterSeconds).toBeLessThanOrEqual(60);
  });
});
