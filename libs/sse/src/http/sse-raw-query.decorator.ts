import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { parse, type ParsedUrlQuery } from 'node:querystring';

/**
 * The stream request's query, parsed from the raw URL as Express's `simple`
 * query parser does (`a=1&a=2` is `['1', '2']`, `a[]=1` is the key `a[]`),
 * whatever the application's `query parser` setting. Express's `extended`
 * parser would turn `topics[]=a` into the same array as `topics=a`; reading
 * the URL ourselves keeps one accepted form, and lets
 * {@link SseStreamQueryPipe} refuse the others. `undefined` without a query.
 * @internal
 */
export const SseRawQuery = createParamDecorator(
  (_: unknown, context: ExecutionContext): ParsedUrlQuery | undefined =>
    rawQuery(context.switchToHttp().getRequest<Pick<IncomingMessage, 'url'>>()),
);

/** The query of a request's raw URL, as {@link SseRawQuery} reads it. @internal */
export function rawQuery(
  request: Pick<IncomingMessage, 'url'>,
): ParsedUrlQuery | undefined {
  const { url } = request;
  const at = url?.indexOf('?') ?? -1;
  return at < 0 ? undefined : parse(url!.slice(at + 1));
}
