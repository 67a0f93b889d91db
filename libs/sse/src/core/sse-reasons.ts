/** Why a stream ended, as sent in its `close` event and emitted by `connections$`. @publicApi */
export type SseCloseReason =
  | 'client_closed'
  | 'disconnected'
  | 'token_expired'
  | 'shutdown'
  | 'slow_consumer'
  | 'timeout'
  | 'max_age'
  | 'revoked';

/** Why a client's cursor could not be honoured, as sent in its `reset` event. @publicApi */
export type SseResetReason = 'unknown_cursor' | 'history_gap';
