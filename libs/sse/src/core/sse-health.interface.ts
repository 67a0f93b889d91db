/**
 * This instance's health as {@link SseBroker.health} reports it: what a
 * readiness probe needs, read without any I/O.
 * @publicApi
 */
export interface SseHealth {
  /** The configured transport. */
  transport: 'memory' | 'redis';
  /** Whether the transport can publish and deliver right now (Redis: both connections up, the subscriber receiving). */
  transportReady: boolean;
  /** False once the application has started shutting down: new streams are refused. */
  accepting: boolean;
  /** Streams on this instance, those being admitted included. */
  openStreams: number;
}
