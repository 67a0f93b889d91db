import {
  createServer,
  get,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { DirectSink } from './direct.sink.js';
import { formatFrame, type SseWireEvent } from '../core/sse-frame.js';

function wireEvent(data: string): SseWireEvent {
  return {
    event: 'tick',
    id: 'e-1',
    data,
    frame: formatFrame('tick', 'e-1', data),
    isMessage: true,
  };
}

interface Exchange {
  sink: DirectSink;
  request: IncomingMessage;
  response: ServerResponse;
}

/** A server whose every request gets a DirectSink, handed to the test. */
async function serve(
  prepare: (response: ServerResponse) => void = () => {},
): Promise<{
  server: Server;
  port: number;
  next(): Promise<Exchange>;
}> {
  const waiting: Array<(exchange: Exchange) => void> = [];
  const server = createServer((request, response) => {
    prepare(response);
    const sink = new DirectSink(response, request);
    waiting.shift()?.({ sink, request, response });
  });
  await new Promise<void>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  return {
    server,
    port: (server.address() as AddressInfo).port,
    next: () => new Promise((resolve) => waiting.push(resolve)),
  };
}

/** Everything a raw TCP client receives until the server closes the socket. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('DirectSink', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('sends a valid chunked HTTP/1.1 stream that a standard client decodes', async () => {
    const s = await serve();
    server = s.server;
    const body = new Promise<string>((resolve) =>
      get(`http://127.0.0.1:${s.port}/`, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(text));
      }),
    );
    const { sink } = await s.next();
    sink.write(wireEvent('{"n":1}'));
    sink.write(wireEvent('"héllo ✓"'));
    sink.end();

    expect(await body).toBe(
      formatFrame('tick', 'e-1', '{"n":1}') +
        formatFrame('tick', 'e-1', '"héllo ✓"'),
    );
  });

  it('goes through res.write when something wraps it (e.g. compression)', async () => {
    const seen: string[] = [];
    const s = await serve((response) => {
      const write = response.write.bind(response) as (c: unknown) => boolean;
      response.write = ((chunk: unknown) => {
        seen.push(String(chunk));
        return write(chunk);
      }) as ServerResponse['write'];
    });
    server = s.server;
    const received = rawExchange(
      s.port,
      'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const { sink } = await s.next();
    sink.write(wireEvent('1'));
    sink.end();

    expect(await received).toContain(formatFrame('tick', 'e-1', '1'));
    expect(seen).toEqual([formatFrame('tick', 'e-1', '1')]);
  });

  it('writes plain frames, unchunked, to an HTTP/1.0 client', async () => {
    const s = await serve();
    server = s.server;
    const received = rawExchange(s.port, 'GET / HTTP/1.0\r\nHost: x\r\n\r\n');
    const { sink } = await s.next();
    sink.write(wireEvent('1'));
    sink.end();

    const text = await received;
    expect(text).not.toMatch(/transfer-encoding/i);
    expect(text.endsWith(`\r\n\r\n${formatFrame('tick', 'e-1', '1')}`)).toBe(
      true,
    );
  });

  it('leaves a keep-alive socket without its listeners, ready for the next request', async () => {
    const s = await serve();
    server = s.server;
    const request = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
    const client: Socket = connect(s.port, '127.0.0.1', () =>
      client.write(request),
    );
    let received = '';
    client.setEncoding('latin1');
    client.on('data', (chunk: string) => (received += chunk));

    const first = await s.next();
    const socket = first.request.socket;
    const before = socket.listenerCount('drain');
    first.sink.onDrain(() => {});
    expect(socket.listenerCount('drain')).toBe(before + 1);
    first.sink.write(wireEvent('1'));
    first.sink.end();
    first.sink.release();
    expect(socket.listenerCount('drain')).toBe(before);

    client.write(request);
    const second = await s.next();
    expect(second.request.socket).toBe(socket);
    second.sink.write(wireEvent('2'));
    second.sink.end();
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.destroy();

    // Two complete responses, each ended by its last chunk.
    expect(received.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    expect(received.match(/\r\n0\r\n\r\n/g)).toHaveLength(2);
    expect(received).toContain(formatFrame('tick', 'e-1', '2'));
  });

  it('reports backpressure while the client does not read, and calls back when it drains', async () => {
    const s = await serve();
    server = s.server;
    const client: Socket = connect(s.port, '127.0.0.1', () =>
      client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    );
    client.pause();
    const { sink } = await s.next();
    let drained = 0;
    sink.onDrain(() => drained++);
    const big = wireEvent(JSON.stringify('x'.repeat(64 * 1024)));
    let writes = 0;
    while (!sink.backpressured && writes < 10_000) {
      sink.write(big);
      writes++;
    }
    expect(sink.backpressured).toBe(true);
    expect(drained).toBe(0);

    client.resume();
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (drained > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    expect(sink.backpressured).toBe(false);
    client.destroy();
  });
});
