import type { SseIdentity } from '@app/sse';
import request from 'supertest';
import { NEST_DOCS_INTERCEPTORS } from './utils/nest-docs.interceptors.js';
import { startApp, WRITERS, type TestApp } from './utils/sse-test-app.js';

/** Allows topic `open`; refuses the others, after a lookup that takes a while. */
const slowTopicAuthorizer = {
  canSubscribe: (_: SseIdentity, topic: string) =>
    new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(topic === 'open'), 20),
    ),
};

describe.each(WRITERS)(
  "with the Nest docs' interceptors registered globally (%s writer)",
  (writer) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp(
        { writer, retry: 50, topicAuthorizer: slowTopicAuthorizer },
        { providers: NEST_DOCS_INTERCEPTORS },
      );
    });
    afterAll(() => t.close());

    it('refuses a stream with its status before any stream header, whatever the interceptors', async () => {
      const refused = await request(t.app.getHttpServer())
        .get('/sse/stream?topics=closed')
        .set('Authorization', `Bearer ${t.token({ sub: 'refused' })}`);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'topic_forbidden' });

      const client = await t.connect({ sub: 'allowed' }, 'topics=open');
      expect(client.status).toBe(200);
      expect(client.response.headers.get('content-type')).toBe(
        'text/event-stream',
      );
      client.close();
    });
  },
);
