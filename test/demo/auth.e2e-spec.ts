import { DATABASES, type DemoApp, startDemo } from './demo-app.js';

describe.each(DATABASES)('demo auth (%s)', (kind) => {
  let demo: DemoApp;
  beforeAll(async () => {
    demo = await startDemo(kind);
  }, 60_000); // PGlite's start: seconds, many more on a busy machine
  afterAll(() => demo?.close());

  it('logs a seeded user in with a token and an HttpOnly, SameSite=Strict cookie', async () => {
    const res = await demo
      .http()
      .post('/auth/login')
      .send({ username: 'alice', password: 'password' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String) });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain(`sse_token=${res.body.access_token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);

    const me = await demo
      .http()
      .get('/auth/me')
      .set('Cookie', `sse_token=${res.body.access_token}`);
    expect(me.body).toEqual({
      id: 'alice',
      tenantId: 'acme',
      roles: [],
      displayName: 'Alice',
    });
  });

  it('refuses a wrong password or an unknown user with the same 401', async () => {
    for (const body of [
      { username: 'alice', password: 'nope' },
      { username: 'mallory', password: 'password' },
    ]) {
      const res = await demo.http().post('/auth/login').send(body);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        statusCode: 401,
        code: 'invalid_credentials',
        message: 'Unknown user or wrong password.',
      });
    }
    expect(
      (await demo.http().post('/auth/login').send({ username: 'alice' }))
        .status,
    ).toBe(400);
  });

  it('gives admin its role and dave his tenant, and opens their streams from the cookie', async () => {
    const admin = await demo.login('admin');
    const dave = await demo.login('dave');
    expect(
      (
        await demo
          .http()
          .get('/auth/me')
          .set('Authorization', `Bearer ${admin}`)
      ).body.roles,
    ).toEqual(['admin']);
    const stream = await demo.stream(dave);
    expect(stream.events[0].data).toMatchObject({
      userId: 'dave',
      tenantId: 'globex',
    });
  });

  it('clears the cookie on logout', async () => {
    const res = await demo.http().post('/auth/logout');
    expect(res.status).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(/sse_token=;/);
  });

  it("closes the user's other tabs on logout and refuses their token, not another user's", async () => {
    const token = await demo.login('bob');
    const other = await demo.login('carol');
    const tabs = [await demo.stream(token), await demo.stream(token)];
    const carol = await demo.stream(other);
    // Tokens count whole seconds: a logout refuses those issued before its second.
    const issued = JSON.parse(
      Buffer.from(token.split('.')[1], 'base64url').toString(),
    ) as { iat: number };
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, (issued.iat + 1) * 1_000 - Date.now())),
    );

    const res = await demo
      .http()
      .post('/auth/logout')
      .set('Cookie', `sse_token=${token}`);
    expect(res.status).toBe(204);
    for (const tab of tabs) {
      const close = await tab.expectEvent('close');
      expect(close.data).toEqual({ reason: 'revoked' });
    }
    const me = await demo
      .http()
      .get('/auth/me')
      .set('Authorization', `Bearer ${token}`);
    expect(me.status).toBe(401);
    expect(me.body).toMatchObject({ code: 'token_revoked' });
    expect(
      (
        await demo
          .http()
          .get('/auth/me')
          .set('Authorization', `Bearer ${other}`)
      ).status,
    ).toBe(200);
    expect(carol.events.map((e) => e.event)).not.toContain('close');
    // Signing in again gives a token that works.
    const again = await demo.login('bob');
    expect(
      (
        await demo
          .http()
          .get('/auth/me')
          .set('Authorization', `Bearer ${again}`)
      ).status,
    ).toBe(200);
  });
});
