import { connect, type Socket } from 'node:net';
import { forget, hold, WAIT_TIMEOUT } from './resources.js';
import { EventStreamParser, type ReceivedEvent } from './sse-client.js';

/**
 * A stream client on a bare socket: it sends the request and then reads (or,
 * with `paused`, stops reading until `resume()`) the response, keeping the raw
 * text. Open sockets are held (resources.ts): the file's teardown destroys
 * those a test left open.
 */
export class RawStreamClient {
  text = '';
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (this.text += chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => resolve()),
    );
    socket.once('close', () => forget(socket));
  }

  static open(
    baseUrl: string,
    path: string,
    token: string,
    { paused = false, headers = {} as Record<string, string> } = {},
  ): Promise<RawStreamClient> {
    const { hostname, port } = new URL(baseUrl);
    const extra = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => {
        clearTimeout(timer);
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n${extra}\r\n`,
        );
        const client = new RawStreamClient(socket);
        if (paused) socket.pause();
        resolve(client);
      });
      hold(socket, `raw stream ${baseUrl}${path}`, () => socket.destroy());
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new Error(
            `no connection to ${baseUrl} within ${WAIT_TIMEOUT / 1_000} s`,
          ),
        );
      }, WAIT_TIMEOUT);
      socket.once('error', (err) => {
        clearTimeout(timer);
        forget(socket);
        reject(err);
      });
    });
  }

  resume(): void {
    this.socket.resume();
  }

  /** The events in the (chunked) response body received so far. */
  events(): ReceivedEvent[] {
    const parser = new EventStreamParser();
    parser.feed(this.body());
    return parser.events;
  }

  /** The response body, de-chunked and decoded as UTF-8. */
  body(): string {
    const start = this.text.indexOf('\r\n\r\n');
    if (start < 0) return '';
    const bytes = Buffer.from(this.text.slice(start + 4), 'latin1');
    const parts: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const lineEnd = bytes.indexOf('\r\n', offset);
      if (lineEnd < 0) break;
      const size = parseInt(
        bytes.subarray(offset, lineEnd).toString('latin1'),
        16,
      );
      if (!(size > 0) || lineEnd + 2 + size > bytes.length) break;
      parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
      offset = lineEnd + 2 + size + 2;
    }
    return Buffer.concat(parts).toString('utf8');
  }

  close(): void {
    this.socket.destroy();
  }
}
