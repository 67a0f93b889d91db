/**
 * Timeouts of the application's HTTP server that protect it (and the
 * library's routes) from clients that open a connection and send their
 * request slowly or not at all, for `setSseServerTimeouts()`. They end
 * at the request's last byte: an open stream is not affected (its request
 * is complete when the stream starts, and both writers turn the socket's
 * idle timeout off).
 * @publicApi
 */
export interface SseServerTimeouts {
  /**
   * Milliseconds a client has, from connecting (or from the end of its
   * previous request on a keep-alive connection), to send the complete
   * request headers; an idle or trickling client gets `408` and is
   * disconnected. 1 000 to 300 000 (Node's own default is 60 000).
   * @default 10_000
   */
  headersTimeout?: number;
  /**
   * Milliseconds a client has to send the complete request, body included.
   * At least `headersTimeout`, at most 3 600 000 (Node's own default is
   * 300 000). Raise it if the application accepts large uploads over slow
   * links.
   * @default 30_000
   */
  requestTimeout?: number;
  /**
   * How often, in milliseconds, Node checks connections against the two
   * timeouts: a client is disconnected between the timeout and the timeout
   * plus this. Takes effect when the server starts listening. 100 to
   * 30 000 (Node's own default is 30 000).
   * @default 1_000
   */
  connectionsCheckingInterval?: number;
}
