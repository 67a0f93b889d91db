import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The request a route, guard or decorator gets from Nest's HTTP adapter:
 * Express's request is the Node request itself; Fastify's `FastifyRequest`
 * wraps it as `raw`.
 * @internal
 */
export type SseAdapterRequest =
  IncomingMessage | { readonly raw: IncomingMessage };

/**
 * The response a route, guard or filter gets from Nest's HTTP adapter:
 * Express's response is the Node response itself; Fastify's `FastifyReply`
 * wraps it as `raw`, and answers by itself unless it is hijacked.
 * @internal
 */
export type SseAdapterResponse =
  ServerResponse | { readonly raw: ServerResponse; hijack?(): unknown };

/** The Node request under the adapter's request (the same object on Express). @internal */
export function rawRequest(request: SseAdapterRequest): IncomingMessage {
  return 'raw' in request ? request.raw : request;
}

/** The Node response under the adapter's response (the same object on Express). @internal */
export function rawResponse(response: SseAdapterResponse): ServerResponse {
  return 'raw' in response ? response.raw : response;
}

/**
 * Takes the response over from the adapter, before writing the Node response
 * directly: Fastify's reply is hijacked, so that Fastify neither answers it
 * too nor applies its own limits to it (`handlerTimeout` would cut the
 * stream). Express leaves a response taken with `@Res()` alone already.
 * @internal
 */
export function takeOverResponse(response: SseAdapterResponse): void {
  if ('raw' in response) response.hijack?.();
}
