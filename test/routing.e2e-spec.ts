import { Controller, Get, VersioningType } from '@nestjs/common';
import request from 'supertest';
import { StreamClient } from './utils/sse-client.js';
import { startApp, WRITERS, type TestApp } from './utils/sse-test-app.js';

@Controller('items')
class ItemsController {
  @Get()
  list(): string[] {
    return ['a'];
  }
}

describe.each(WRITERS)('the stream URL (%s writer)', (writer) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const open = async (app: TestApp, path: string) => {
    const client = await StreamClient.open(app.url(path), {
      authorization: `Bearer ${app.token()}`,
    });
    const connected = await client.waitForEvent('connected');
    client.close();
    return connected;
  };

  it("is under the application's global prefix", async () => {
    t = await startApp({ writer }, {}, undefined, (app) =>
      app.setGlobalPrefix('api'),
    );
    expect(JSON.parse((await open(t, '/api/sse/stream')).data)).toMatchObject({
      userId: 'alice',
    });
    const unprefixed = await request(t.app.getHttpServer())
      .get('/sse/stream')
      .set('Authorization', `Bearer ${t.token()}`);
    expect(unprefixed.status).toBe(404);
  });

  it('is version-neutral with URI versioning: the same URL whatever the default version', async () => {
    t = await startApp(
      { writer, adminRoutes: true },
      { controllers: [ItemsController] },
      undefined,
      (app) =>
        app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' }),
    );
    const server = t.app.getHttpServer();
    expect((await request(server).get('/v1/items')).status).toBe(200);
    expect(JSON.parse((await open(t, '/sse/stream')).data)).toMatchObject({
      userId: 'alice',
    });
    const admin = t.token({ roles: ['admin'] });
    const stats = await request(server)
      .get('/sse/stats')
      .set('Authorization', `Bearer ${admin}`);
    expect(stats.status).toBe(200);
    const versioned = await request(server)
      .get('/v1/sse/stream')
      .set('Authorization', `Bearer ${t.token()}`);
    expect(versioned.status).toBe(404);
  });
});
