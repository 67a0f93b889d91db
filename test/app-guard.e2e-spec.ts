import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { EventSource } from 'eventsource';
import request from 'supertest';
import {
  startApp,
  until,
  WRITERS,
  type TestApp,
} from './utils/sse-test-app.js';

const IS_PUBLIC_KEY = 'isPublic';
const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * The application's own guard, registered for every route as in Nest's
 * authentication docs: routes marked `@Public()` pass, every other request
 * is refused (it stands for a JWT guard reading a header that an
 * EventSource cannot send).
 */
@Injectable()
class AppJwtGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }
}

const appGuard = { providers: [{ provide: APP_GUARD, useClass: AppJwtGuard }] };

/**
 * A browser EventSource: the cookie goes with every request. Resolves once
 * the stream is connected; rejects if the EventSource gives up (a refusal).
 */
async function openWithCookie(t: TestApp, cookie: string) {
  const seen: Array<{ type: string; data: string }> = [];
  const source = new EventSource(t.url('/sse/stream'), {
    fetch: (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('cookie', cookie);
      return fetch(input, { ...init, headers });
    },
  });
  for (const type of ['connected', 'note'])
    source.addEventListener(type, (e) => seen.push({ type, data: e.data }));
  await new Promise<void>((resolve, reject) => {
    source.addEventListener('connected', () => resolve());
    source.addEventListener('error', (e) => {
      if (source.readyState === EventSource.CLOSED) {
        reject(new Error(`the EventSource gave up: ${e.message}`));
      }
    });
  }).catch((err: unknown) => {
    source.close();
    throw err;
  });
  return { source, seen };
}

describe.each(WRITERS)(
  'behind an application-wide guard (%s writer)',
  (writer) => {
    let t: TestApp | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it('the application guard refuses the stream unless the library is given its @Public()', async () => {
      t = await startApp({ writer }, appGuard);
      const refused = await request(t.app.getHttpServer())
        .get('/sse/stream')
        .set('Cookie', `sse_token=${t.token()}`);
      expect(refused.status).toBe(403);
    });

    it('with decorators: [Public()], an EventSource authenticated by the cookie gets its stream, and a bad token still gets the library 401', async () => {
      t = await startApp({ writer, decorators: [Public()] }, appGuard);
      const { source, seen } = await openWithCookie(
        t,
        `sse_token=${t.token({ sub: 'cookie-user' })}`,
      );
      await t.broker.sendToUser('cookie-user', 'note', { n: 1 });
      await until(() => seen.some((e) => e.type === 'note'));
      source.close();
      expect(JSON.parse(seen[0].data)).toMatchObject({
        userId: 'cookie-user',
      });
      expect(JSON.parse(seen[1].data)).toEqual({ n: 1 });

      const bad = await request(t.app.getHttpServer())
        .get('/sse/stream')
        .set('Cookie', 'sse_token=not.a.jwt');
      expect(bad.status).toBe(401);
      expect(bad.body.code).toBe('invalid_token');
    });
  },
);
