import { formatFrame } from '../http/sse-frame.util.js';
export class SseEnvelope {
    message;
    data;
    seq;
    frame;
    isMessage = true;
    createdAt;
    constructor(message, data, seq) {
        this.message = message;
        this.data = data;
        this.seq = seq;
        this.frame = formatFrame(message.event, message.id, data);
        this.createdAt = message.createdAt.getTime();
    }
    get event() {
        return this.message.event;
    }
    get id() {
        return this.message.id;
    }
}
