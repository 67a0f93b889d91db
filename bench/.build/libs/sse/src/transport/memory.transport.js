import { randomUUID } from 'node:crypto';
import { BehaviorSubject } from 'rxjs';
import { MessageIdGenerator, parseCursor, } from '../broker/message-id.generator.js';
import { SseEnvelope } from '../broker/sse-envelope.js';
import { InMemorySseHistory } from '../history/in-memory-sse.history.js';
export class MemoryTransport {
    listener;
    kind = 'memory';
    instanceId = randomUUID();
    ready = true;
    readiness$ = new BehaviorSubject(true).asObservable();
    ids = new MessageIdGenerator();
    history;
    constructor(historyOptions, listener) {
        this.listener = listener;
        this.history =
            historyOptions.size > 0
                ? new InMemorySseHistory(historyOptions.size, historyOptions.ttl)
                : undefined;
    }
    async start() { }
    publish(outgoing) {
        const { id, seq } = this.ids.next();
        const envelope = new SseEnvelope({
            id,
            event: outgoing.event,
            data: outgoing.data,
            target: outgoing.target,
            createdAt: outgoing.createdAt,
        }, outgoing.json, seq);
        if (outgoing.key !== undefined)
            this.history?.append(outgoing.key, envelope);
        this.listener.deliver(envelope);
        return Promise.resolve({ seq, id });
    }
    watch() { }
    unwatch() { }
    settle() {
        return Promise.resolve(this.head());
    }
    async read(keys, cursorValue) {
        const head = this.head();
        let afterSeq = 0;
        if (cursorValue !== undefined) {
            const cursor = parseCursor(cursorValue);
            if (!cursor || cursor.epoch !== this.ids.epoch || cursor.seq > head.seq)
                return { reset: 'unknown_cursor', head };
            afterSeq = cursor.seq;
        }
        if (!this.history) {
            return cursorValue === undefined || afterSeq === head.seq
                ? { envelopes: [], head }
                : { reset: 'history_gap', head };
        }
        const read = await this.history.read(keys, afterSeq);
        return read.complete || cursorValue === undefined
            ? { envelopes: read.envelopes, head }
            : { reset: 'history_gap', head };
    }
    newClientId() {
        return randomUUID();
    }
    async close() {
        this.history?.close();
    }
    head() {
        const seq = this.ids.head;
        return { seq, id: this.ids.format(seq) };
    }
}
