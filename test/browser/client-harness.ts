import { readFileSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { hold, release } from '../utils/resources.js';
import { type TestApp, until } from '../utils/sse-test-app.js';

/** The built client, as the package ships it. */
const CLIENT_DIR = join(
  process.cwd(),
  'node_modules/nestjs-sse-broker/dist/client',
);

/**
 * The test page: a module that loads the client with no bundler, from the
 * query's options, and records what it gets in `window`.
 *   ?user=alice&auth=token|cookie&events=note,other&topics=a,b&expiresIn=3&share=off
 */
const PAGE_SCRIPT = `
import { createSseClient } from '/client/index.js';
const q = new URLSearchParams(location.search);
const user = q.get('user') ?? 'alice';
Object.assign(window, { received: [], resets: [], states: [], tokens: 0 });
const options = { url: '/sse/stream', user, reconnectJitter: 50 };
if (q.get('topics')) options.topics = q.get('topics').split(',');
if (q.get('share') === 'off') options.shareAcrossTabs = false;
if (q.get('auth') !== 'cookie')
  options.token = async () => {
    window.tokens++;
    const expiresIn = q.get('expiresIn');
    const res = await fetch('/test-token?sub=' + user + (expiresIn ? '&expiresIn=' + expiresIn : ''));
    return res.text();
  };
const client = createSseClient(options);
window.client = client;
for (const event of (q.get('events') ?? 'note').split(','))
  client.on(event, (data, meta) => window.received.push({ event, data, id: meta.id }));
client.onReset((info) => window.resets.push(info));
client.onStateChange((state, detail) => window.states.push([state, detail ?? null]));
`;

/**
 * One origin for the page, the client's files and the stream: it serves the
 * page and `/client/*.js`, mints tokens at `/test-token`, and passes `/sse/*`
 * to the current application (a load balancer, so that an application can be
 * restarted behind it: while none is set, the stream answers 502).
 */
export class ClientPageServer {
  private backend?: TestApp;
  /** The `/sse/*` requests passed on, in order, with the status they were answered. */
  readonly requests: Array<{ method: string; path: string; status?: number }> =
    [];
  /** The tokens minted at `/test-token`, in order. */
  readonly tokens: string[] = [];

  private constructor(private readonly server: Server) {}

  static async start(backend: TestApp): Promise<ClientPageServer> {
    const server = createServer();
    const front = new ClientPageServer(server);
    front.backend = backend;
    server.on('request', (req, res) => front.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    hold(front, 'client page server', () => front.shutdown());
    return front;
  }

  url(path: string): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${path}`;
  }

  /** Where `/sse/*` goes from now on (undefined: 502). */
  use(backend: TestApp | undefined): void {
    this.backend = backend;
  }

  close(): Promise<void> {
    return release(this);
  }

  private async shutdown(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://front');
    if (url.pathname === '/') {
      res.setHeader('content-type', 'text/html');
      res.end(
        '<!doctype html><meta charset="utf-8"><title>client</title><script type="module" src="/page.js"></script>',
      );
    } else if (url.pathname === '/page.js') {
      res.setHeader('content-type', 'text/javascript');
      res.end(PAGE_SCRIPT);
    } else if (url.pathname.startsWith('/client/')) {
      const file = normalize(url.pathname.slice('/client/'.length));
      if (file.startsWith('..') || !file.endsWith('.js')) return notFound(res);
      try {
        const body = readFileSync(join(CLIENT_DIR, file));
        res.setHeader('content-type', 'text/javascript');
        res.end(body);
      } catch {
        notFound(res);
      }
    } else if (url.pathname === '/test-token' && this.backend) {
      const expiresIn = url.searchParams.get('expiresIn');
      const token = this.backend.token(
        { sub: url.searchParams.get('sub') ?? 'alice' },
        expiresIn ? { expiresIn: Number(expiresIn) } : {},
      );
      this.tokens.push(token);
      res.end(token);
    } else if (url.pathname.startsWith('/sse/')) {
      this.proxy(req, res);
    } else {
      notFound(res);
    }
  }

  private proxy(req: IncomingMessage, res: ServerResponse): void {
    const entry: (typeof this.requests)[number] = {
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', 'http://front').pathname,
    };
    this.requests.push(entry);
    const backend = this.backend;
    if (!backend) {
      res.statusCode = entry.status = 502;
      res.end();
      return;
    }
    const target = new URL(backend.baseUrl);
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        entry.status = answer.statusCode ?? 502;
        res.writeHead(entry.status, answer.headers);
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => {
      if (res.headersSent) res.destroy();
      else {
        res.statusCode = entry.status = 502;
        res.end();
      }
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }
}

function notFound(res: ServerResponse): void {
  res.statusCode = 404;
  res.end();
}

/** What the test page recorded. */
export interface PageRecord {
  received: Array<{ event: string; data: { n: number }; id: string }>;
  resets: Array<{ reason: string }>;
  states: Array<[string, unknown]>;
  tokens: number;
  state: string;
  clientId: string | undefined;
}

export function record(page: Page): Promise<PageRecord> {
  return page.evaluate(() => {
    const w = window as unknown as PageRecord & {
      client: { state: string; clientId?: string };
    };
    return {
      received: w.received,
      resets: w.resets,
      states: w.states,
      tokens: w.tokens,
      state: w.client.state,
      clientId: w.client.clientId,
    };
  });
}

/** Waits (bounded) until the page's record satisfies `check`. */
export function untilPage(
  page: Page,
  check: (r: PageRecord) => boolean,
  label: string,
): Promise<void> {
  return until(
    async () => {
      try {
        return check(await record(page));
      } catch {
        return false; // the page is still loading its module
      }
    },
    { label },
  );
}

/** The `n` of each `event` the page received, in order. */
export const numbers = (r: PageRecord, event = 'note'): number[] =>
  r.received.filter((e) => e.event === event).map((e) => e.data.n);

/** Opens the test page with `query` in a new tab of `context` and waits (bounded) until its client is live. */
export async function openClientPage(
  context: BrowserContext,
  front: ClientPageServer,
  query: string,
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(front.url(`/?${query}`));
  await untilPage(page, (r) => r.state === 'live', `${query} live`);
  return page;
}
