import { DATABASES, type DemoApp, startDemo } from './demo-app.js';
import { START_TIMEOUT_MS } from './start-timeout.js';

const WINDOW_MS = 60_000;

describe.each(DATABASES)('demo limits failed logins (%s)', (kind) => {
  let demo: DemoApp;
  beforeAll(async () => {
    demo = await startDemo(kind, {
      LOGIN_MAX_FAILURES_PER_USER: '3',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '7',
      LOGIN_FAILURE_WINDOW_MS: String(WINDOW_MS),
    });
  }, START_TIMEOUT_MS);
  afterAll(() => demo?.close());

  const login = (username: string, password: string) =>
    demo.http().post('/auth/login').send({ username, password });

  const expectTooMany = (res: Awaited<ReturnType<typeof login>>) => {
    expect(res.status).toBe(429);
    expect(res.body).toEqual({
      statusCode: 429,
      code: 'too_many_attempts',
      message: expect.any(String),
    });
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect(res.headers['set-cookie']).toBeUndefined();
  };

  it('answers 429 with Retry-After once a username has failed its limit, even to the right password, and leaves other users alone', async () => {
    for (let i = 0; i < 3; i++)
      expect((await login('bob', 'wrong')).status).toBe(401);
    expectTooMany(await login('bob', 'wrong'));
    expectTooMany(await login('bob', 'password'));
    expect((await login('carol', 'password')).status).toBe(200);
  });

  it('counts unknown usernames like known ones', async () => {
    for (let i = 0; i < 3; i++)
      expect((await login('mallory', 'password')).status).toBe(401);
    expectTooMany(await login('mallory', 'password'));
  });

  it('answers 429 to any username once the address has failed its limit', async () => {
    // 3 (bob) + 3 (mallory) failures so far from this address; the 7th fills it.
    expect((await login('carol', 'wrong')).status).toBe(401);
    expectTooMany(await login('dave', 'wrong'));
    expectTooMany(await login('alice', 'password'));
  });
});
