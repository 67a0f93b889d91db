import { connect, type Socket } from 'node:net';

/**
 * A stream client on a bare socket: it sends the request and then reads (or,
 * with `paused`, never reads) the response, keeping the raw text.
 */
export class RawStreamClient {
  text = '';
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (this.text += chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => resolve()),
    );
  }

  static open(
    baseUrl: string,
    path: string,
    token: string,
    { paused = false } = {},
  ): Promise<RawStreamClient> {
    const { hostname, port } = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => {
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`,
        );
        const client = new RawStreamClient(socket);
        if (paused) socket.pause();
        resolve(client);
      });
      socket.once('error', reject);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
