import { controlEvent, isWellFormedEventId, } from './sse-frame.util.js';
const MAX_TIMER_MS = 2_147_483_647;
const JITTERED = new Set(['max_age', 'shutdown']);
const STALLED = new Set([
    'slow_consumer',
    'timeout',
]);
const STALLED_CUT_MS = 2_000;
export class SseConnection {
    id;
    identity;
    topics;
    request;
    response;
    host;
    cursor;
    connectedAt = new Date();
    state = 'pending';
    sink;
    queue = [];
    held = [];
    subscription;
    timers = [];
    expiryTimer;
    lastProgressAt = Date.now();
    lastId;
    accepted = { seq: 0, id: '' };
    start;
    expiresAt;
    constructor(id, identity, topics, request, response, host, cursor) {
        this.id = id;
        this.identity = identity;
        this.topics = topics;
        this.request = request;
        this.response = response;
        this.host = host;
        this.cursor = cursor;
        this.lastId = isWellFormedEventId(cursor) ? cursor : '';
        const { expiresAt } = identity;
        this.expiresAt =
            expiresAt instanceof Date ? expiresAt.getTime() : expiresAt;
        response.once('close', () => this.close('client_closed'));
    }
    get userId() {
        return this.identity.userId;
    }
    get tenantId() {
        return this.identity.tenantId;
    }
    get isOpen() {
        return this.state === 'open' || this.state === 'replaying';
    }
    hold(subscription) {
        if (this.state === 'closed')
            subscription.unsubscribe();
        else
            this.subscription = subscription;
    }
    prepare(start) {
        this.start = start;
    }
    attach(createSink) {
        if (this.state === 'closed') {
            this.response.destroy();
            return;
        }
        if (this.state !== 'pending')
            return;
        const sink = (this.sink = createSink());
        const start = this.start;
        if (this.cursor === undefined) {
            this.accepted = start;
            this.lastId = start.id;
            this.state = 'open';
        }
        const { retry, heartbeatInterval, maxConnectionAge } = this.host.settings;
        sink.write(controlEvent('connected', this.lastId, {
            clientId: this.id,
            userId: this.userId,
            tenantId: this.tenantId ?? null,
            topics: this.topics,
        }, retry));
        this.every(heartbeatInterval, () => this.heartbeat());
        if (maxConnectionAge > 0)
            this.after(maxConnectionAge, () => this.close('max_age'));
        this.response.on('drain', () => this.flush());
        this.host.opened(this);
        if (this.cursor !== undefined)
            this.replayFrom(this.cursor, start);
        else
            this.release();
        this.armExpiry();
    }
    deliver(event) {
        if (this.state === 'pending' || this.state === 'replaying') {
            if (this.held.length < this.host.settings.clientBufferSize)
                this.held.push(event);
            else
                this.close('slow_consumer', 1);
            return;
        }
        if (this.state === 'open')
            this.accept(event, false);
    }
    resume() {
        if (this.state === 'open')
            this.replayFrom(this.accepted.id, this.accepted);
    }
    close(reason, droppedNow = 0) {
        if (this.state === 'closed')
            return;
        const wasOpen = this.isOpen;
        this.state = 'closed';
        this.timers.forEach((timer) => clearTimeout(timer));
        clearTimeout(this.expiryTimer);
        this.subscription?.unsubscribe();
        const dropped = droppedNow + this.queue.length + this.held.length;
        this.queue = [];
        this.held = [];
        if (wasOpen && reason !== 'client_closed') {
            const { retry, reconnectJitter } = this.host.settings;
            const jittered = JITTERED.has(reason)
                ? retry + Math.floor(Math.random() * (reconnectJitter + 1))
                : undefined;
            this.sink.write(controlEvent('close', this.lastId, { reason }, jittered));
            this.sink.end();
            if (STALLED.has(reason))
                this.cutUnlessFinished();
        }
        this.host.closed(this, reason, dropped);
    }
    info() {
        return {
            clientId: this.id,
            userId: this.userId,
            tenantId: this.tenantId,
            topics: [...this.topics],
            connectedAt: this.connectedAt,
            pendingEvents: this.queue.length + this.held.length,
            remoteAddress: this.request.socket?.remoteAddress,
            userAgent: this.request.headers['user-agent'],
        };
    }
    replayFrom(cursor, fallback) {
        this.state = 'replaying';
        this.host.replay(this, cursor).then((outcome) => this.endReplay(outcome, cursor), () => this.endReplay({ reset: 'history_gap', head: fallback }, cursor));
    }
    endReplay(outcome, cursor) {
        if (this.state !== 'replaying')
            return;
        this.state = 'open';
        if ('reset' in outcome) {
            this.accepted = outcome.head;
            this.lastId = outcome.head.id;
            this.queue = [];
            this.sink.write(controlEvent('reset', this.lastId, {
                recovered: false,
                reason: outcome.reset,
                cursor: cursor.slice(0, 128),
            }));
        }
        else {
            outcome.envelopes.forEach((envelope) => this.accept(envelope, true));
        }
        this.release();
    }
    release() {
        const held = this.held;
        this.held = [];
        held.forEach((event) => this.deliver(event));
    }
    accept(event, unbounded) {
        if (event.seq !== undefined) {
            if (event.seq <= this.accepted.seq)
                return;
            this.accepted = { seq: event.seq, id: event.id };
        }
        if (this.queue.length === 0 && !this.sink.backpressured) {
            this.write(event);
        }
        else if (unbounded ||
            this.queue.length < this.host.settings.clientBufferSize) {
            this.queue.push(event);
        }
        else {
            this.close('slow_consumer', 1);
        }
    }
    write(event) {
        this.sink.write(event);
        if (event.isMessage) {
            this.lastId = event.id;
            this.host.delivered();
        }
    }
    flush() {
        if (this.state !== 'open')
            return;
        this.lastProgressAt = Date.now();
        let written = 0;
        while (written < this.queue.length && !this.sink.backpressured) {
            this.write(this.queue[written++]);
        }
        if (written > 0)
            this.queue = this.queue.slice(written);
    }
    heartbeat() {
        const now = Date.now();
        if (this.sink.backpressured || this.queue.length > 0) {
            if (now - this.lastProgressAt >= this.host.settings.clientTimeout)
                this.close('timeout');
            return;
        }
        this.lastProgressAt = now;
        this.sink.write(controlEvent('heartbeat', this.lastId, {}));
    }
    armExpiry() {
        if (this.expiresAt === undefined || this.state === 'closed')
            return;
        const remaining = this.expiresAt - Date.now();
        if (remaining <= 0) {
            this.close('token_expired');
            return;
        }
        this.expiryTimer = setTimeout(() => this.armExpiry(), Math.min(remaining, MAX_TIMER_MS));
        this.expiryTimer.unref();
    }
    cutUnlessFinished() {
        const response = this.response;
        if (response.writableFinished)
            return;
        const cut = setTimeout(() => response.destroy(), STALLED_CUT_MS);
        cut.unref();
        response.once('finish', () => clearTimeout(cut));
        response.once('close', () => clearTimeout(cut));
    }
    every(ms, run) {
        const timer = setInterval(run, ms);
        timer.unref();
        this.timers.push(timer);
    }
    after(ms, run) {
        const timer = setTimeout(run, ms);
        timer.unref();
        this.timers.push(timer);
    }
}
