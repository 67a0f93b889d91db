import type { IncomingMessage } from 'node:http';

/**
 * Express keeps its router's per-request state (the route chain's `next` and
 * what it closes over, about 0.8 KB) reachable through `req.next` for as long
 * as the request lives. A stream lives for hours and never calls it.
 * @internal
 */
export function releaseRouterState(request: IncomingMessage): void {
  const routed = request as { next?: unknown };
  if (typeof routed.next === 'function') routed.next = undefined;
}
