import { Controller, Get, Headers, Req, Res, UseFilters } from '@nestjs/common';
import { SseErrorFilter, SseStreams } from 'nestjs-sse-broker';
import {
  deleteKeys,
  describeWithRedis,
  REDIS_URL,
  redisClient,
  testPrefix,
} from './utils/redis.js';
import {
  ADAPTERS,
  startApp,
  type TestAdapter,
  type TestApp,
} from './utils/sse-test-app.js';

/**
 * A route of the application's own, behind its own authentication (here a
 * header naming the user and when its credentials were issued), served with
 * `SseStreams.open`: a `revokeUser()` holds there as on the library's route.
 */
@Controller('own')
class OwnStreamController {
  constructor(private readonly streams: SseStreams) {}

  @Get('events')
  @UseFilters(SseErrorFilter)
  async events(
    @Headers('x-user') userId: string,
    @Headers('x-issued-at') issuedAt: string,
    @Req() req: unknown,
    @Res() res: unknown,
  ): Promise<void> {
    await this.streams.open(req as never, res as never, {
      identity: { userId, roles: [], issuedAt: Number(issuedAt) },
    });
  }
}

const headers = (userId: string, issuedAt: number) => ({
  'x-user': userId,
  'x-issued-at': String(issuedAt),
});

/** The status of opening the route (the stream, when opened, is closed at once). */
async function openStatus(
  t: TestApp,
  userId: string,
  issuedAt: number,
): Promise<{ status: number; body?: unknown }> {
  const controller = new AbortController();
  const res = await fetch(t.url('/own/events'), {
    headers: headers(userId, issuedAt),
    signal: controller.signal,
  });
  if (res.status === 200) {
    controller.abort();
    return { status: 200 };
  }
  return { status: res.status, body: await res.json() };
}

describe.each(ADAPTERS)(
  'SseStreams.open after revokeUser (%s)',
  (adapter: TestAdapter) => {
    it('refuses credentials issued before the revocation with 401 token_revoked, and accepts later ones', async () => {
      const t = await startApp(
        { adapter },
        { controllers: [OwnStreamController] },
      );
      try {
        const before = Date.now() - 5_000;
        await t.broker.revokeUser('ann');
        expect(await openStatus(t, 'ann', before)).toEqual({
          status: 401,
          body: expect.objectContaining({ code: 'token_revoked' }),
        });
        expect(await openStatus(t, 'ann', Date.now() + 1_000)).toEqual({
          status: 200,
        });
        expect(await openStatus(t, 'bea', before)).toEqual({ status: 200 });
      } finally {
        await t.close();
      }
    });

    describeWithRedis('with Redis', () => {
      it('refuses on an instance started after the revocation (the revocation list is in Redis)', async () => {
        const prefix = testPrefix();
        const options = {
          adapter,
          transport: {
            type: 'redis' as const,
            url: REDIS_URL!,
            keyPrefix: prefix,
          },
        };
        const metadata = { controllers: [OwnStreamController] };
        const client = redisClient();
        const first = await startApp(options, metadata);
        let second: TestApp | undefined;
        try {
          const before = Date.now() - 5_000;
          await first.broker.revokeUser('ann');
          second = await startApp(options, metadata);
          expect(await openStatus(second, 'ann', before)).toEqual({
            status: 401,
            body: expect.objectContaining({ code: 'token_revoked' }),
          });
          expect(await openStatus(second, 'bea', before)).toEqual({
            status: 200,
          });
        } finally {
          await second?.close();
          await first.close();
          await deleteKeys(client, prefix);
          client.disconnect();
        }
      });
    });
  },
);
