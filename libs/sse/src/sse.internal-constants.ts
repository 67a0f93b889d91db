/** Options after defaults and validation. @internal */
export const SSE_RESOLVED_OPTIONS = Symbol('SSE:RESOLVED_OPTIONS');

/** Request property where the guard leaves the authenticated identity. @internal */
export const SSE_IDENTITY_KEY = Symbol('SSE:IDENTITY');

/** Events the stream itself emits; applications may not publish them. @internal */
export const RESERVED_EVENT_NAMES = [
  'connected',
  'heartbeat',
  'close',
  'reset',
  'error',
] as const;
