import type { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { SseModule, type SseWriter } from 'nestjs-sse-broker';
import { StreamClient } from './utils/sse-client.js';
import { TEST_SECRET } from './utils/sse-test-app.js';

/** What only Fastify does; everything else runs on both adapters in the other specs. */
describe('on Fastify', () => {
  let app: INestApplication;

  async function start(writer: SseWriter, handlerTimeout: number) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        SseModule.forRoot({
          auth: { secret: TEST_SECRET },
          writer,
          heartbeatInterval: 1_000,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication(
      new FastifyAdapter({ handlerTimeout }),
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    return (await app.getUrl()).replace('[::1]', '127.0.0.1');
  }
  afterEach(() => app?.close());

  it("the direct writer takes the reply over: a stream outlives Fastify's handlerTimeout", async () => {
    const baseUrl = await start('direct', 100);
    const token = new JwtService().sign(
      { sub: 'fay', roles: [] },
      { secret: TEST_SECRET },
    );
    const client = await StreamClient.open(`${baseUrl}/sse/stream`, {
      authorization: `Bearer ${token}`,
    });
    await client.waitForEvent('connected');
    // The first heartbeat comes a second after Fastify's 100 ms would have cut
    // a reply that was still its own.
    await client.waitForEvent('heartbeat');
    client.close();
  });
});
