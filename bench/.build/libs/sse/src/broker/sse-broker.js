var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
import { HttpStatus, Inject, Injectable, Logger, } from '@nestjs/common';
import { map, Subject, Subscription } from 'rxjs';
import { TopicsDisabledError } from '../errors/topics-disabled.error.js';
import { TransportUnavailableError } from '../errors/transport-unavailable.error.js';
import { SseConnection, } from '../http/sse-connection.js';
import { SseHttpException } from '../http/sse-http.exception.js';
import { SSE_RESOLVED_OPTIONS } from '../sse.internal-constants.js';
import { SSE_MESSAGES } from '../sse.messages.js';
import { MemoryTransport } from '../transport/memory.transport.js';
import { RedisTransport } from '../transport/redis.transport.js';
import { assertEventName, assertTenantId, assertTopic, assertUserId, scopedKey, serializeData, } from './sse-validation.util.js';
import { SubjectRegistry } from './subject-registry.js';
const SHUTDOWN_GRACE_MS = 500;
let SseBroker = class SseBroker {
    options;
    logger = new Logger('SseBroker');
    transport;
    users;
    topics;
    broadcasts;
    clients = new Map();
    userConnections = new Map();
    connectionEvents = new Subject();
    startedAt = new Date();
    running = true;
    messagesPublished = 0;
    eventsDelivered = 0;
    eventsDropped = 0;
    connectionsRejected = 0;
    connections$ = this.connectionEvents.asObservable();
    settings;
    constructor(options) {
        this.options = options;
        this.settings = options;
        const { history, transport } = options;
        const listener = {
            deliver: (envelope) => this.dispatch(envelope),
            resume: () => this.clients.forEach((c) => c.resume()),
        };
        this.transport =
            transport.type === 'redis'
                ? new RedisTransport(transport, history, listener, () => this.instanceStats())
                : new MemoryTransport(history, listener);
        const registry = (prefix) => new SubjectRegistry({
            opened: (key) => this.transport.watch(prefix + key),
            released: (key) => this.transport.unwatch(prefix + key),
        });
        this.users = registry('u');
        this.topics = registry('t');
        this.broadcasts = registry('b');
        this.readiness$ = this.transport.readiness$;
    }
    get transportType() {
        return this.transport.kind;
    }
    get instanceId() {
        return this.transport.instanceId;
    }
    isReady() {
        return this.transport.ready && this.running;
    }
    readiness$;
    async onModuleInit() {
        await this.transport.start();
    }
    async sendToUser(userId, event, data, opts = {}) {
        assertUserId(userId);
        assertTenantId(opts.tenantId);
        return this.publish({ type: 'user', userId, tenantId: opts.tenantId }, event, data);
    }
    async sendToTopic(topic, event, data, opts = {}) {
        this.assertTopicsEnabled();
        assertTopic(topic);
        assertTenantId(opts.tenantId);
        return this.publish({ type: 'topic', topic, tenantId: opts.tenantId }, event, data);
    }
    async broadcast(event, data, opts = {}) {
        assertTenantId(opts.tenantId);
        return this.publish({ type: 'broadcast', tenantId: opts.tenantId }, event, data);
    }
    async sendToClient(clientId, event, data) {
        const tenantId = this.clients.get(clientId)?.tenantId;
        return this.publish({ type: 'client', clientId, tenantId }, event, data);
    }
    userStream(userId, opts = {}) {
        assertUserId(userId);
        assertTenantId(opts.tenantId);
        return this.users
            .observe(scopedKey(opts.tenantId, userId))
            .pipe(map((e) => e.message));
    }
    topicStream(topic, opts = {}) {
        this.assertTopicsEnabled();
        assertTopic(topic);
        assertTenantId(opts.tenantId);
        return this.topics
            .observe(scopedKey(opts.tenantId, topic))
            .pipe(map((e) => e.message));
    }
    broadcastStream(opts = {}) {
        assertTenantId(opts.tenantId);
        return this.broadcasts
            .observe(opts.tenantId ?? '')
            .pipe(map((e) => e.message));
    }
    async getHistory(target, afterId) {
        assertTenantId(target.tenantId);
        if (target.type === 'user')
            assertUserId(target.userId);
        if (target.type === 'topic')
            assertTopic(target.topic);
        const read = await this.transport.read([historyKey(target)], afterId);
        return 'reset' in read
            ? { messages: [], complete: false, reason: read.reset }
            : { messages: read.envelopes.map((e) => e.message), complete: true };
    }
    replay(connection, cursor) {
        return this.transport.read(targetKeys(connection), cursor);
    }
    async getStats() {
        const local = this.instanceStats();
        const { instances, totalUsers } = this.transport.cluster
            ? await this.transport.cluster.instances(local)
            : { instances: [local], totalUsers: local.totalUsers };
        const sum = (field) => instances.reduce((total, s) => total + s[field], 0);
        return {
            transport: this.transport.kind,
            ready: this.isReady(),
            instanceId: local.instanceId,
            totalClients: sum('totalClients'),
            totalUsers,
            totalTopics: sum('totalTopics'),
            isRunning: this.running,
            messagesPublished: sum('messagesPublished'),
            eventsDelivered: sum('eventsDelivered'),
            eventsDropped: sum('eventsDropped'),
            connectionsRejected: sum('connectionsRejected'),
            startedAt: this.startedAt,
            instances,
        };
    }
    async isUserOnline(userId, opts = {}) {
        const { cluster } = this.transport;
        if (cluster)
            return cluster.isUserOnline(userId, opts.tenantId);
        return this.userConnections.has(scopedKey(opts.tenantId, userId));
    }
    async getOnlineUsers(opts = {}) {
        const { cluster } = this.transport;
        if (cluster)
            return cluster.onlineUsers(opts.tenantId);
        const online = [];
        for (const connections of this.userConnections.values()) {
            const first = connections.values().next().value;
            if (first.tenantId === opts.tenantId)
                online.push(first.userId);
        }
        return online;
    }
    getClients() {
        return [...this.clients.values()]
            .filter((c) => c.isOpen)
            .map((c) => c.info());
    }
    getClient(clientId) {
        const connection = this.clients.get(clientId);
        return connection?.isOpen ? connection.info() : undefined;
    }
    disconnect(clientId) {
        const connection = this.clients.get(clientId);
        if (!connection)
            return false;
        connection.close('disconnected');
        return true;
    }
    disconnectUser(userId, opts = {}) {
        const connections = this.userConnections.get(scopedKey(opts.tenantId, userId));
        if (!connections)
            return 0;
        const all = [...connections];
        all.forEach((c) => c.close('disconnected'));
        return all.length;
    }
    async admit(identity, topics, request, response, cursor) {
        const { maxConnections, maxConnectionsPerUser } = this.options;
        const { cluster } = this.transport;
        const userKey = scopedKey(identity.tenantId, identity.userId);
        if (!this.running) {
            throw this.reject(HttpStatus.SERVICE_UNAVAILABLE, 'shutting_down', 'The server is shutting down; reconnect later.');
        }
        if (maxConnections > 0 && this.clients.size >= maxConnections) {
            throw this.reject(HttpStatus.SERVICE_UNAVAILABLE, 'too_many_connections', 'This server has reached its connection limit; retry later.');
        }
        if (maxConnectionsPerUser > 0 &&
            (this.userConnections.get(userKey)?.size ?? 0) >= maxConnectionsPerUser) {
            throw this.userCapReached();
        }
        if (cluster && !this.transport.ready)
            throw this.unavailable();
        const connection = new SseConnection(this.transport.newClientId(), identity, topics, request, response, this, cursor);
        this.clients.set(connection.id, connection);
        let forUser = this.userConnections.get(userKey);
        if (!forUser)
            this.userConnections.set(userKey, (forUser = new Set()));
        forUser.add(connection);
        try {
            if (cluster) {
                const entry = presenceEntry(connection);
                if (!(await cluster.reserve(entry, maxConnectionsPerUser))) {
                    this.forget(connection);
                    throw this.userCapReached();
                }
                if (!this.clients.has(connection.id))
                    cluster.release(entry);
            }
            connection.hold(this.subscribeTargets(connection));
            connection.prepare(await this.transport.settle(targetKeys(connection)));
        }
        catch (err) {
            connection.close('client_closed');
            if (err instanceof TransportUnavailableError) {
                this.logger.warn(`stream refused: ${err.message}`);
                throw this.unavailable();
            }
            throw err;
        }
        if (request.socket?.destroyed)
            connection.close('client_closed');
        return connection;
    }
    subscribeTargets(connection) {
        const { tenantId } = connection;
        const sources = [
            this.users.observe(scopedKey(tenantId, connection.userId)),
            this.broadcasts.observe(tenantId ?? ''),
            ...connection.topics.map((topic) => this.topics.observe(scopedKey(tenantId, topic))),
        ];
        const subscription = new Subscription();
        const deliver = (envelope) => connection.deliver(envelope);
        for (const source of sources)
            subscription.add(source.subscribe(deliver));
        return subscription;
    }
    opened(connection) {
        this.connectionEvents.next({ type: 'connect', client: connection.info() });
    }
    closed(connection, reason, dropped) {
        if (!this.forget(connection))
            return;
        this.transport.cluster?.release(presenceEntry(connection));
        this.eventsDropped += dropped;
        if (reason === 'slow_consumer') {
            this.logger.warn(`client ${connection.id} (user ${JSON.stringify(connection.userId)}) disconnected as slow_consumer; ${dropped} event(s) dropped`);
        }
        this.connectionEvents.next({
            type: 'disconnect',
            client: connection.info(),
            reason,
        });
    }
    delivered() {
        this.eventsDelivered++;
    }
    async beforeApplicationShutdown() {
        if (!this.running)
            return;
        this.running = false;
        const connections = [...this.clients.values()];
        const flushed = connections.map((c) => responseEnded(c.response));
        connections.forEach((c) => c.close('shutdown'));
        let timer;
        await Promise.race([
            Promise.all(flushed),
            new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS))),
        ]);
        clearTimeout(timer);
        connections.forEach((c) => c.response.socket?.destroy());
        this.users.completeAll();
        this.topics.completeAll();
        this.broadcasts.completeAll();
        this.connectionEvents.complete();
        await this.transport.close();
    }
    async publish(target, event, data) {
        assertEventName(event);
        const json = serializeData(data, this.options.maxPayloadBytes);
        const createdAt = new Date();
        const { id } = await this.transport.publish({
            target,
            key: target.type === 'client' ? undefined : historyKey(target),
            event,
            data,
            json,
            createdAt,
        });
        this.messagesPublished++;
        return { id, event, data, target, createdAt };
    }
    dispatch(envelope) {
        const { target } = envelope.message;
        switch (target.type) {
            case 'user':
                this.users.next(scopedKey(target.tenantId, target.userId), envelope);
                break;
            case 'topic':
                this.topics.next(scopedKey(target.tenantId, target.topic), envelope);
                break;
            case 'broadcast':
                this.broadcasts.next(target.tenantId ?? '', envelope);
                break;
            case 'client':
                this.clients.get(target.clientId)?.deliver(envelope);
                break;
        }
    }
    instanceStats() {
        return {
            instanceId: this.transport.instanceId,
            totalClients: this.clients.size,
            totalUsers: this.userConnections.size,
            totalTopics: this.topics.size,
            isRunning: this.running,
            messagesPublished: this.messagesPublished,
            eventsDelivered: this.eventsDelivered,
            eventsDropped: this.eventsDropped,
            connectionsRejected: this.connectionsRejected,
            startedAt: this.startedAt,
            updatedAt: new Date(),
        };
    }
    forget(connection) {
        if (!this.clients.delete(connection.id))
            return false;
        const userKey = scopedKey(connection.tenantId, connection.userId);
        const forUser = this.userConnections.get(userKey);
        forUser?.delete(connection);
        if (forUser?.size === 0)
            this.userConnections.delete(userKey);
        return true;
    }
    userCapReached() {
        const max = this.options.maxConnectionsPerUser;
        return this.reject(HttpStatus.TOO_MANY_REQUESTS, 'too_many_user_connections', `At most ${max} streams per user are allowed; close another tab or window first.`);
    }
    unavailable() {
        return new SseHttpException(HttpStatus.SERVICE_UNAVAILABLE, 'transport_unavailable', 'The server cannot reach its message transport; retry later.');
    }
    assertTopicsEnabled() {
        if (!this.options.enableTopics)
            throw new TopicsDisabledError(SSE_MESSAGES.TOPICS_DISABLED());
    }
    reject(status, code, message) {
        this.connectionsRejected++;
        return new SseHttpException(status, code, message);
    }
};
SseBroker = __decorate([
    Injectable(),
    __param(0, Inject(SSE_RESOLVED_OPTIONS)),
    __metadata("design:paramtypes", [Object])
], SseBroker);
export { SseBroker };
function responseEnded(response) {
    if (response.writableFinished || response.destroyed)
        return Promise.resolve();
    return new Promise((resolve) => {
        response.once('finish', resolve);
        response.once('close', resolve);
    });
}
function targetKeys(connection) {
    const { tenantId, userId, topics } = connection;
    return [
        historyKey({ type: 'user', userId, tenantId }),
        historyKey({ type: 'broadcast', tenantId }),
        ...topics.map((topic) => historyKey({ type: 'topic', topic, tenantId })),
    ];
}
function presenceEntry(connection) {
    const { id: clientId, userId, tenantId } = connection;
    return { clientId, userId, tenantId };
}
function historyKey(target) {
    switch (target.type) {
        case 'user':
            return `u${scopedKey(target.tenantId, target.userId)}`;
        case 'topic':
            return `t${scopedKey(target.tenantId, target.topic)}`;
        default:
            return `b${target.tenantId ?? ''}`;
    }
}
