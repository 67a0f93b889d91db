import type { ResolvedSseOptions } from 'nestjs-sse-broker';
import type { Request } from 'express';

/**
 * Whether the request is for one of the SSE library's own routes
 * (`/<path>/…`). The demo's request checks leave those alone: the library
 * authenticates them and decides what they accept. With an empty `path` the
 * library's routes share the root with the demo's, and nothing is skipped.
 */
export function isLibraryRoute(
  request: Request,
  options: ResolvedSseOptions,
): boolean {
  const prefix = options.path.replace(/^\/+|\/+$/g, '');
  if (prefix === '') return false;
  return (
    request.path === `/${prefix}` || request.path.startsWith(`/${prefix}/`)
  );
}
