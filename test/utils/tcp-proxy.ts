import {
  createConnection,
  createServer,
  type Server,
  type Socket,
} from 'node:net';
import { hold, release } from './resources.js';

/**
 * A TCP proxy in front of Redis, to cut or freeze the connections of one
 * application instance while the others keep theirs.
 *
 * - `cut()`: destroys every proxied connection and refuses new ones (Redis
 *   unreachable) until `restore()`.
 * - `freeze()`: keeps the connections open but forwards nothing, in either
 *   direction (a connection that silently stops delivering) until `thaw()`.
 *
 * A started proxy is held (resources.ts) until `close()`, or the end of the file.
 */
export class TcpProxy {
  private readonly server: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  /** Data held back while frozen, with the socket it is for. */
  private held: Array<[Socket, Buffer]> = [];
  private mode: 'open' | 'cut' | 'frozen' = 'open';

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => this.accept(client));
  }

  static async start(targetUrl: string): Promise<TcpProxy> {
    const url = new URL(targetUrl);
    const proxy = new TcpProxy({
      host: url.hostname,
      port: Number(url.port || 6379),
    });
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', resolve);
    });
    hold(proxy, `TCP proxy to ${targetUrl}`, () => proxy.shutdown());
    return proxy;
  }

  get url(): string {
    const address = this.server.address() as { port: number };
    return `redis://127.0.0.1:${address.port}`;
  }

  /** Open connections (each pair: application side, Redis side). */
  get connections(): number {
    return this.pairs.size;
  }

  cut(): void {
    this.mode = 'cut';
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  restore(): void {
    this.mode = 'open';
  }

  freeze(): void {
    this.mode = 'frozen';
  }

  thaw(): void {
    this.mode = 'open';
    const held = this.held;
    this.held = [];
    for (const [socket, chunk] of held)
      if (!socket.destroyed) socket.write(chunk);
  }

  /** Cuts every connection and stops listening (once: later calls wait for the first). */
  close(): Promise<void> {
    return release(this);
  }

  private async shutdown(): Promise<void> {
    this.cut();
    this.held = [];
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: Socket): void {
    if (this.mode === 'cut') {
      client.destroy();
      return;
    }
    const upstream = createConnection(this.target);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    const forward = (to: Socket) => (chunk: Buffer) => {
      if (this.mode === 'frozen') this.held.push([to, chunk]);
      else to.write(chunk);
    };
    client.on('data', forward(upstream)).on('error', drop).on('close', drop);
    upstream.on('data', forward(client)).on('error', drop).on('close', drop);
  }
}
