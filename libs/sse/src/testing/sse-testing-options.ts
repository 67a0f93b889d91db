import type { SseModuleOptions } from '../index.js';

/**
 * The timing options {@link sseTestingOptions} sets: heartbeats every second
 * (the smallest interval allowed), a dead stream detected after two, a
 * 100 ms `retry:` and no jitter on `close` events, so that tests of
 * heartbeats, timeouts and reconnects take a second instead of minutes.
 * @publicApi
 */
export const SSE_TESTING_DEFAULTS = Object.freeze({
  heartbeatInterval: 1_000,
  clientTimeout: 2_000,
  retry: 100,
  reconnectJitter: 0,
} satisfies SseModuleOptions);

/**
 * Options for `SseModule` in tests: yours, over {@link SSE_TESTING_DEFAULTS}.
 * The extras (`isGlobal`, `path`, ...) pass through, so it fits `forRoot`
 * as well as a `forRootAsync` factory or an `overrideProvider` of
 * `SSE_MODULE_OPTIONS`.
 * @example
 * ```ts
 * const moduleRef = await Test.createTestingModule({
 *   imports: [SseModule.forRoot(sseTestingOptions({ auth: { secret: 'test' }, isGlobal: true }))],
 *   providers: [OrdersService],
 * }).compile();
 * ```
 * @publicApi
 */
export function sseTestingOptions<O extends SseModuleOptions>(
  options: O,
): O & typeof SSE_TESTING_DEFAULTS {
  return { ...SSE_TESTING_DEFAULTS, ...options };
}
