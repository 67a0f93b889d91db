import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setSseServerTimeouts } from 'nestjs-sse-broker';
import { startApp, WRITERS, type TestApp } from './utils/sse-test-app.js';

/** A socket that sends `head` and then one byte of `drip` every 100 ms; resolves with what it received once the server closes it. */
function trickle(t: TestApp, head: string, drip: string): Promise<string> {
  const { port } = new URL(t.baseUrl);
  return new Promise((resolve) => {
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const socket: Socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(head);
      if (drip) timer = setInterval(() => socket.write(drip), 100);
    });
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve(received);
    });
  });
}

describe.each(WRITERS)(
  'server timeouts from setSseServerTimeouts (%s writer)',
  (writer) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({ writer, adminRoutes: true }, {}, undefined, (app) =>
        setSseServerTimeouts(app.getHttpServer(), {
          headersTimeout: 1_000,
          requestTimeout: 2_000,
          connectionsCheckingInterval: 100,
        }),
      );
    });
    afterAll(() => t.close());

    it('drops trickled headers, idle sockets and trickled bodies with 408, while an open stream outlives them all', async () => {
      const stream = await t.connect({ sub: 'steady' });
      await stream.waitForEvent('connected');

      const [headers, idle, body] = await Promise.all([
        trickle(t, 'GET /sse/stream HTTP/1.1\r\nHost: x\r\n', 'X'),
        trickle(t, '', ''),
        trickle(
          t,
          `POST /sse/publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.token({ roles: ['admin'] })}\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"data":"`,
          'x',
        ),
      ]);
      expect(headers).toMatch(/^HTTP\/1\.1 408 /);
      expect(idle).toMatch(/^HTTP\/1\.1 408 /);
      expect(body).toMatch(/^HTTP\/1\.1 408 /);

      // The stream, opened before the trickled body, has been idle for longer
      // than requestTimeout and is still served.
      await t.broker.sendToUser('steady', 'still-here', 1);
      expect((await stream.waitForEvent('still-here')).data).toBe('1');
      expect((await t.broker.getStats()).totalClients).toBe(1);
      stream.close();
    });
  },
);

describe('setSseServerTimeouts', () => {
  it("replaces Node's 60 s header and 300 s request timeouts with 10 s and 30 s, checked every second", () => {
    const server = createServer();
    expect(setSseServerTimeouts(server)).toEqual({
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      connectionsCheckingInterval: 1_000,
    });
    expect(server).toMatchObject({
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      connectionsCheckingInterval: 1_000,
    });
  });

  it('refuses a request timeout shorter than the header timeout, naming the option', () => {
    const server = createServer();
    expect(() =>
      setSseServerTimeouts(server, {
        headersTimeout: 20_000,
        requestTimeout: 10_000,
      }),
    ).toThrow(
      'option "requestTimeout" must be an integer from 20000 to 3600000 (>= headersTimeout); got 10000.',
    );
    expect(server.headersTimeout).toBe(60_000);
  });
});
