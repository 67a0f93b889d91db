export const SSE_RESPONSE_HEADERS = {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'private, no-cache, no-store, must-revalidate, max-age=0, no-transform',
    Pragma: 'no-cache',
    Expires: '0',
    'X-Accel-Buffering': 'no',
};
export class DirectSink {
    response;
    constructor(response, request) {
        this.response = response;
        const http1 = request.httpVersionMajor < 2;
        if (http1) {
            request.socket.setKeepAlive(true);
            request.socket.setNoDelay(true);
            request.socket.setTimeout(0);
        }
        response.writeHead(200, http1
            ? { ...SSE_RESPONSE_HEADERS, Connection: 'keep-alive' }
            : SSE_RESPONSE_HEADERS);
        response.flushHeaders();
    }
    get backpressured() {
        return this.response.writableNeedDrain;
    }
    write(event) {
        this.response.write(event.frame);
    }
    end() {
        if (!this.response.writableEnded)
            this.response.end();
    }
}
