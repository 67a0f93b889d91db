export const SSE_RESOLVED_OPTIONS = Symbol('SSE:RESOLVED_OPTIONS');
export const SSE_IDENTITY_KEY = Symbol('SSE:IDENTITY');
export const RESERVED_EVENT_NAMES = [
    'connected',
    'heartbeat',
    'close',
    'reset',
    'error',
];
