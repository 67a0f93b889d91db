import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { DEFAULT_SSE_SERVER_TIMEOUTS } from '../options/sse-options.defaults.js';
import {
  applyRules,
  integer,
  type OptionRule,
} from '../options/sse-option.rules.js';
import type { SseServerTimeouts } from '../options/sse-server-timeouts.interface.js';

const RULES: Record<string, OptionRule> = {
  headersTimeout: integer(1_000, 300_000),
  requestTimeout: integer(
    (r) => r.headersTimeout as number,
    3_600_000,
    () => '(>= headersTimeout)',
  ),
  connectionsCheckingInterval: integer(100, 30_000),
};

/**
 * Sets the header and request timeouts of the application's HTTP server
 * (see {@link SseServerTimeouts} for the values), so that a client that
 * connects and then sends nothing, or trickles its headers or body, is
 * answered `408` and disconnected within seconds instead of holding a socket
 * for a minute or more with Node's defaults.
 *
 * The library cannot do this for its own routes alone: a route is known
 * only once the headers have arrived, and the body is read by the
 * application's body parser before any route runs. Open streams are not
 * affected: their request is complete when they start, and the socket's
 * idle timeout is turned off for them.
 *
 * Call it before `app.listen()` (the checking interval starts with the
 * server). Invalid values throw `InvalidSseOptionsError` naming the option.
 *
 * @example
 * ```ts
 * const app = await NestFactory.create(AppModule);
 * setSseServerTimeouts(app.getHttpServer());
 * await app.listen(3000);
 * ```
 * @returns the timeouts applied, defaults included
 * @publicApi
 */
export function setSseServerTimeouts(
  server: Server,
  timeouts: SseServerTimeouts = {},
): Required<SseServerTimeouts> {
  const applied = applyRules<Required<SseServerTimeouts>>(
    '',
    timeouts,
    DEFAULT_SSE_SERVER_TIMEOUTS,
    RULES,
  );
  server.headersTimeout = applied.headersTimeout;
  server.requestTimeout = applied.requestTimeout;
  (
    server as { connectionsCheckingInterval?: number }
  ).connectionsCheckingInterval = applied.connectionsCheckingInterval;
  if (server.listening)
    new Logger('SseModule').warn(
      'setSseServerTimeouts() was called after the server started listening: the timeouts apply, but they are checked only every 30 s until it listens again. Call it before app.listen().',
    );
  return applied;
}
