import { DATABASES, type DemoApp, startDemo } from './demo-app.js';
import { START_TIMEOUT_MS } from './start-timeout.js';

interface Announcement {
  id: string;
  title: string;
  body: string;
  by: string;
  at: string;
}

describe.each(DATABASES)('demo announcements (%s)', (kind) => {
  let demo: DemoApp;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    demo = await startDemo(kind);
    for (const user of ['alice', 'admin', 'dave'])
      tokens[user] = await demo.login(user);
  }, START_TIMEOUT_MS);
  afterAll(() => demo?.close());

  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const announce = (title: string) =>
    demo
      .http()
      .post('/announcements')
      .set(as('admin'))
      .send({ title, body: `${title} body` });

  it('stores announcements and lists them to the tenant, newest first, so that a tab opened later shows them', async () => {
    const stream = await demo.stream(tokens.alice, ['announcements']);
    const first = await announce('First');
    expect(first.status).toBe(202);
    await announce('Second');
    const pushed = (await stream.expectEvent('announcement')).data;
    expect(pushed).toEqual({
      id: expect.stringMatching(/^\d+$/),
      title: 'First',
      body: 'First body',
      by: 'admin',
      at: expect.any(String),
    });

    const list = await demo.http().get('/announcements').set(as('alice'));
    expect(list.status).toBe(200);
    expect((list.body as Announcement[]).map((a) => a.title)).toEqual([
      'Second',
      'First',
    ]);
    expect(list.body[1]).toEqual(pushed);
    const one = await demo
      .http()
      .get('/announcements?limit=1')
      .set(as('alice'));
    expect((one.body as Announcement[]).map((a) => a.title)).toEqual([
      'Second',
    ]);
  });

  it('keeps announcements within their tenant', async () => {
    const other = await demo.http().get('/announcements').set(as('dave'));
    expect(other.status).toBe(200);
    expect(other.body).toEqual([]);
  });

  it('lets only admins announce, and refuses bad limits and anonymous readers', async () => {
    const refused = await demo
      .http()
      .post('/announcements')
      .set(as('alice'))
      .send({ title: 'not an admin', body: '' });
    expect(refused.status).toBe(403);
    const titles = (
      (await demo.http().get('/announcements').set(as('alice')))
        .body as Announcement[]
    ).map((a) => a.title);
    expect(titles).not.toContain('not an admin');
    for (const limit of ['0', '101', 'x'])
      expect(
        (
          await demo
            .http()
            .get(`/announcements?limit=${limit}`)
            .set(as('alice'))
        ).status,
      ).toBe(400);
    expect((await demo.http().get('/announcements')).status).toBe(401);
  });
});
