/**
 * One event as it goes on the wire. `data` is JSON text (no line breaks), and
 * `frame` is the complete `text/event-stream` block, built once.
 * @internal
 */
export interface SseWireEvent {
  readonly event: string;
  readonly id: string;
  readonly data: string;
  readonly retry?: number;
  readonly frame: string;
  /** `frame` as one HTTP/1.1 chunk, when it is built once for many recipients. */
  readonly chunk?: Buffer;
  /** `frame`'s size in UTF-8 bytes, when it is computed once for many recipients. */
  readonly byteLength?: number;
  /** True for application messages (counted as delivered), false for the stream's own events. */
  readonly isMessage: boolean;
  /** Sequence of a message's id; undefined for the stream's own events. */
  readonly seq?: number;
}

/**
 * Formats one event block. Field order matches Nest's `@Sse()` writer
 * (event, id, retry, data) so that both writers produce the same stream.
 * Callers guarantee that no field contains CR or LF: event names and ids are
 * validated, and `data` is JSON text.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 * @internal
 */
export function formatFrame(
  event: string,
  id: string,
  data: string,
  retry?: number,
): string {
  const head = `event: ${event}\nid: ${id}\n`;
  return retry === undefined
    ? `${head}data: ${data}\n\n`
    : `${head}retry: ${retry}\ndata: ${data}\n\n`;
}

/** One HTTP/1.1 chunk carrying `frame`: its size in hex, CRLF, the frame, CRLF. @internal */
export function httpChunk(frame: string): Buffer {
  return Buffer.from(
    `${Buffer.byteLength(frame).toString(16)}\r\n${frame}\r\n`,
  );
}

/**
 * An event of the stream itself (`connected`, `heartbeat`, `close`). It carries
 * the id of the last message the client received, so that it never moves the
 * client's Last-Event-ID.
 * @internal
 */
export function controlEvent(
  event: string,
  lastId: string,
  payload: object,
  retry?: number,
): SseWireEvent {
  const data = JSON.stringify(payload);
  return {
    event,
    id: lastId,
    data,
    retry,
    frame: formatFrame(event, lastId, data, retry),
    isMessage: false,
  };
}

/** A cursor a client may send back (Last-Event-ID): printable ASCII, at most 128 characters. @internal */
export function isWellFormedEventId(id: unknown): id is string {
  return typeof id === 'string' && /^[\x21-\x7e]{1,128}$/.test(id);
}
