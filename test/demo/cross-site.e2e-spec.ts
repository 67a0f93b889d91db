import type { Approval } from '../../src/approvals/approval.js';
import type { Notification } from '../../src/notifications/notification.js';
import { DATABASES, type DemoApp, startDemo } from './demo-app.js';
import { START_TIMEOUT_MS } from './start-timeout.js';

const TRUSTED = 'https://app.example.com';
const FOREIGN = 'https://evil.example';

describe.each(DATABASES)('demo refuses cross-site requests (%s)', (kind) => {
  let demo: DemoApp;
  let own: string;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    demo = await startDemo(kind, { APP_ORIGINS: `${TRUSTED}, ` });
    own = new URL(demo.url('/')).origin;
    for (const user of ['alice', 'bob', 'admin'])
      tokens[user] = await demo.login(user);
  }, START_TIMEOUT_MS);
  afterAll(() => demo?.close());

  // The browser sends the cookie by itself; an attacker's page relies on that.
  const cookie = (user: string) => ({ Cookie: `sse_token=${tokens[user]}` });
  const crossSite = { Origin: FOREIGN, 'Sec-Fetch-Site': 'cross-site' };
  const refused = {
    statusCode: 403,
    code: 'cross_site_request',
    message: expect.any(String),
  };
  const bobsTitles = async () =>
    (
      (await demo.http().get('/notifications?limit=100').set(cookie('bob')))
        .body as Notification[]
    ).map((n) => n.title);

  it('refuses POST /notifications, /announcements and /approvals/:id/approve from another site, and runs none of them', async () => {
    const note = await demo
      .http()
      .post('/notifications')
      .set(cookie('alice'))
      .set(crossSite)
      .send({ recipientId: 'bob', title: 'forged', body: '' });
    expect(note.status).toBe(403);
    expect(note.body).toEqual(refused);
    expect(await bobsTitles()).not.toContain('forged');

    const announcement = await demo
      .http()
      .post('/announcements')
      .set(cookie('admin'))
      .set(crossSite)
      .send({ title: 'forged', body: '' });
    expect(announcement.status).toBe(403);
    expect(announcement.body).toEqual(refused);

    const approval = (
      await demo
        .http()
        .post('/approvals')
        .set(cookie('alice'))
        .send({ title: 'Trip', approverIds: ['bob'] })
    ).body as Approval;
    const approve = await demo
      .http()
      .post(`/approvals/${approval.id}/approve`)
      .set(cookie('bob'))
      .set(crossSite)
      .send({});
    expect(approve.status).toBe(403);
    expect(approve.body).toEqual(refused);
    expect(
      (await demo.http().get(`/approvals/${approval.id}`).set(cookie('bob')))
        .body,
    ).toMatchObject({ status: 'pending' });
  });

  it('refuses a foreign Origin alone, Sec-Fetch-Site cross-site or same-site alone, and Origin null', async () => {
    const attempts: Array<Record<string, string>> = [
      { Origin: FOREIGN },
      { Origin: 'null' },
      { Origin: own.replace(/:\d+$/, ':1') },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
      { Origin: own, 'Sec-Fetch-Site': 'same-site' },
    ];
    for (const headers of attempts) {
      const res = await demo
        .http()
        .post('/notifications')
        .set(cookie('alice'))
        .set(headers)
        .send({ recipientId: 'bob', title: 'forged', body: '' });
      expect({ headers, status: res.status }).toEqual({ headers, status: 403 });
      expect(res.body).toEqual(refused);
    }
    const patch = await demo
      .http()
      .patch('/notifications/1/read')
      .set(cookie('bob'))
      .set(crossSite);
    expect(patch.status).toBe(403);
    const login = await demo
      .http()
      .post('/auth/login')
      .set(crossSite)
      .send({ username: 'alice', password: 'password' });
    expect(login.status).toBe(403);
    expect(login.headers['set-cookie']).toBeUndefined();
    expect(await bobsTitles()).not.toContain('forged');
  });

  it('accepts its own origin, a configured origin, and requests without Origin or Sec-Fetch-Site (curl, servers)', async () => {
    const allowed: Array<Record<string, string>> = [
      { Origin: own, 'Sec-Fetch-Site': 'same-origin' },
      { Origin: own },
      { Origin: TRUSTED, 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-origin' },
      {},
    ];
    for (const [i, headers] of allowed.entries()) {
      const res = await demo
        .http()
        .post('/notifications')
        .set(cookie('alice'))
        .set(headers)
        .send({ recipientId: 'bob', title: `fine ${i}`, body: '' });
      expect({ headers, status: res.status }).toEqual({ headers, status: 201 });
    }
    const bearer = await demo
      .http()
      .post('/notifications')
      .set('Authorization', `Bearer ${tokens.alice}`)
      .send({ recipientId: 'bob', title: 'server', body: '' });
    expect(bearer.status).toBe(201);
    // Reading is not refused: the browser keeps a foreign page from reading the answer.
    expect(
      (
        await demo
          .http()
          .get('/notifications')
          .set(cookie('bob'))
          .set(crossSite)
      ).status,
    ).toBe(200);
  });

  it('refuses form-encoded and other non-JSON bodies with 415, and accepts a state change without a body', async () => {
    const form = await demo
      .http()
      .post('/notifications')
      .set(cookie('alice'))
      .type('form')
      .send('recipientId=bob&title=form&body=x');
    expect(form.status).toBe(415);
    expect(form.body).toEqual({
      statusCode: 415,
      code: 'unsupported_media_type',
      message: expect.any(String),
    });
    const plain = await demo
      .http()
      .post('/announcements')
      .set(cookie('admin'))
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify({ title: 'plain', body: '' }));
    expect(plain.status).toBe(415);
    const multipart = await demo
      .http()
      .post('/auth/login')
      .field('username', 'alice')
      .field('password', 'password');
    expect(multipart.status).toBe(415);
    expect(await bobsTitles()).not.toContain('form');

    const charset = await demo
      .http()
      .post('/notifications')
      .set(cookie('alice'))
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ recipientId: 'bob', title: 'json', body: '' }));
    expect(charset.status).toBe(201);
    const empty = await demo
      .http()
      .post('/notifications/read-all')
      .set(cookie('bob'));
    expect(empty.status).toBe(200);
  });
});
