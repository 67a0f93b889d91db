import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { BehaviorSubject, distinctUntilChanged } from 'rxjs';
import { parseCursor } from '../broker/message-id.generator.js';
import { SseEnvelope } from '../broker/sse-envelope.js';
import { scopedKey } from '../broker/sse-validation.util.js';
import { TransportUnavailableError } from '../errors/transport-unavailable.error.js';
import { SSE_MESSAGES } from '../sse.messages.js';
import { LIVE_COUNT_SCRIPT, LIVE_MEMBERS_SCRIPT, PUBLISH_SCRIPT, READ_SCRIPT, RELEASE_SCRIPT, RESERVE_SCRIPT, } from './redis.scripts.js';
const CANARY = 'canary';
const ALL = '*';
const MIN_REDIS_MAJOR = 7;
export class RedisTransport {
    options;
    history;
    listener;
    stats;
    kind = 'redis';
    instanceId = randomBytes(5).toString('hex');
    cluster = this;
    logger = new Logger('SseRedisTransport');
    cmd;
    sub;
    channels = new Map();
    local = new Map();
    pending = new Set();
    readiness = new BehaviorSubject(false);
    timers = [];
    candidateEpoch = randomBytes(5).toString('hex');
    subscribed = false;
    everSubscribed = false;
    resumeDue = false;
    awaitedCanary;
    canaryCount = 0;
    closing = false;
    firstSubscribed;
    markSubscribed;
    readiness$ = this.readiness.pipe(distinctUntilChanged());
    constructor(options, history, listener, stats) {
        this.options = options;
        this.history = history;
        this.listener = listener;
        this.stats = stats;
        this.firstSubscribed = new Promise((resolve) => {
            this.markSubscribed = resolve;
        });
        const connection = {
            ...options.options,
            lazyConnect: true,
            enableOfflineQueue: false,
            autoResubscribe: false,
            maxRetriesPerRequest: 0,
            commandTimeout: options.commandTimeout,
            connectTimeout: Math.max(options.commandTimeout, 1_000),
            retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
        };
        const create = () => options.url ? new Redis(options.url, connection) : new Redis(connection);
        this.cmd = create();
        this.sub = create();
        const scripts = {
            ssePublish: PUBLISH_SCRIPT,
            sseRead: READ_SCRIPT,
            sseReserve: RESERVE_SCRIPT,
            sseRelease: RELEASE_SCRIPT,
        };
        for (const [name, lua] of Object.entries(scripts))
            this.cmd.defineCommand(name, { lua });
        this.cmd.defineCommand('sseLiveMembers', {
            lua: LIVE_MEMBERS_SCRIPT,
            numberOfKeys: 1,
        });
        this.cmd.defineCommand('sseLiveCount', {
            lua: LIVE_COUNT_SCRIPT,
            numberOfKeys: 1,
        });
        this.cmd.on('error', (err) => this.onError('command', err));
        this.sub.on('error', (err) => this.onError('subscriber', err));
        this.cmd.on('ready', () => {
            this.updateReadiness();
            this.resumeIfDue();
        });
        this.cmd.on('close', () => this.updateReadiness());
        this.sub.on('ready', () => void this.onSubscriberReady());
        this.sub.on('close', () => {
            this.subscribed = false;
            this.updateReadiness();
        });
        this.sub.on('message', (channel, body) => this.onMessage(channel, body));
    }
    get ready() {
        return this.readiness.value;
    }
    async start() {
        try {
            await this.cmd.connect();
            await this.checkVersion();
            await this.sub.connect();
            await this.withTimeout(this.firstSubscribed, 'subscribe');
            await this.settle([]);
        }
        catch (err) {
            await this.close();
            throw new TransportUnavailableError(SSE_MESSAGES.TRANSPORT_START_FAILED(describe(err)));
        }
        this.every(this.options.canaryInterval, () => this.canary());
        this.every(Math.floor(this.options.presenceTtl / 3), () => this.refreshPresence());
        this.refreshPresence();
    }
    async publish(outgoing) {
        const { target, key } = outgoing;
        const header = JSON.stringify({
            e: outgoing.event,
            t: target,
            c: outgoing.createdAt.getTime(),
        });
        const keys = [this.key('epoch'), this.key('seq')];
        if (key !== undefined && this.history.size > 0)
            keys.push(this.key(`h:${key}`));
        const channel = target.type === 'client'
            ? this.instanceChannel(target.clientId.split('.')[0])
            : this.channel(key);
        const [seq, epoch] = await this.command(() => this.cmd.ssePublish(keys.length, ...keys, this.candidateEpoch, channel, `${header}\n${outgoing.json}`, this.history.size, this.history.ttl));
        return { seq: Number(seq), id: `${epoch}-${seq}` };
    }
    watch(key) {
        const channel = this.channel(key);
        const interest = this.channels.get(channel);
        if (interest) {
            interest.count++;
            return;
        }
        this.channels.set(channel, {
            count: 1,
            subscribed: quiet(this.subscribed
                ? this.sub.subscribe(channel)
                : Promise.reject(this.unavailable('subscriber not connected'))),
        });
    }
    unwatch(key) {
        const channel = this.channel(key);
        const interest = this.channels.get(channel);
        if (!interest || --interest.count > 0)
            return;
        this.channels.delete(channel);
        if (this.subscribed)
            this.sub.unsubscribe(channel).catch(() => undefined);
    }
    async settle(keys) {
        if (!this.subscribed)
            throw this.unavailable('subscriber not connected');
        await this.withTimeout(Promise.all(keys.map((key) => this.channels.get(this.channel(key))?.subscribed ??
            Promise.resolve())), 'subscribe');
        const [, epoch, head] = await this.readScript([], '', 0);
        return { seq: Number(head), id: `${epoch}-${head}` };
    }
    async read(keys, cursorValue) {
        const cursor = cursorValue === undefined
            ? { epoch: ALL, seq: 0 }
            : parseCursor(cursorValue);
        const reply = await this.readScript(keys.map((key) => this.key(`h:${key}`)), cursor?.epoch ?? 'none', cursor?.seq ?? 0);
        const [status, epoch, head] = reply;
        const position = { seq: Number(head), id: `${epoch}-${head}` };
        if (!cursor)
            return { reset: 'unknown_cursor', head: position };
        if (status !== 'ok')
            return {
                reset: status,
                head: position,
            };
        const envelopes = [];
        for (let i = 3; i < reply.length; i += 2) {
            const seq = Number(reply[i].slice(0, reply[i].indexOf('-')));
            envelopes.push(decode(seq, epoch, reply[i + 1]));
        }
        envelopes.sort((a, b) => a.seq - b.seq);
        return { envelopes, head: position };
    }
    newClientId() {
        return `${this.instanceId}.${randomBytes(12).toString('hex')}`;
    }
    async reserve(entry, max) {
        const reserved = await this.command(() => this.cmd.sseReserve(...this.presenceArgs(entry), this.options.presenceTtl, max, entry.userId, scopedKey(entry.tenantId, entry.userId)));
        if (reserved === 1)
            this.local.set(entry.clientId, entry);
        return reserved === 1;
    }
    release(entry) {
        if (!this.local.delete(entry.clientId))
            return;
        this.track(this.cmd
            .sseRelease(...this.presenceArgs(entry), 0, 0, entry.userId, scopedKey(entry.tenantId, entry.userId))
            .catch((err) => this.logger.debug(`presence of ${entry.clientId} not released (${describe(err)}); it expires`)));
    }
    async isUserOnline(userId, tenantId) {
        const count = await this.command(() => this.cmd.sseLiveCount(this.key(`p:${scopedKey(tenantId, userId)}`)));
        return count > 0;
    }
    onlineUsers(tenantId) {
        return this.command(() => this.cmd.sseLiveMembers(this.key(`o:${tenantId ?? ''}`)));
    }
    async instances(local) {
        const [all, totalUsers] = await this.command(() => Promise.all([
            this.cmd.hgetall(this.key('instances')),
            this.cmd.sseLiveCount(this.key('users')),
        ]));
        const instances = [local];
        const cutoff = Date.now() - this.options.presenceTtl;
        for (const [id, json] of Object.entries(all)) {
            if (id === this.instanceId)
                continue;
            const stats = reviveStats(json);
            if (stats && stats.updatedAt.getTime() > cutoff)
                instances.push(stats);
            else
                this.cmd.hdel(this.key('instances'), id).catch(() => undefined);
        }
        return { instances, totalUsers };
    }
    async close() {
        if (this.closing)
            return;
        this.closing = true;
        this.timers.forEach((timer) => clearInterval(timer));
        await Promise.allSettled(this.pending);
        if (this.cmd.status === 'ready')
            await this.cmd
                .hdel(this.key('instances'), this.instanceId)
                .catch(() => undefined);
        this.readiness.next(false);
        this.readiness.complete();
        for (const connection of [this.sub, this.cmd]) {
            if (connection.status === 'ready')
                await connection.quit().catch(() => connection.disconnect());
            else
                connection.disconnect();
        }
    }
    async onSubscriberReady() {
        const channels = [
            this.instanceChannel(this.instanceId),
            ...this.channels.keys(),
        ];
        const subscribed = quiet(this.sub.subscribe(...channels));
        for (const interest of this.channels.values())
            interest.subscribed = subscribed;
        try {
            await subscribed;
        }
        catch (err) {
            this.logger.warn(`resubscribe failed (${describe(err)}); reconnecting`);
            this.sub.disconnect(true);
            return;
        }
        this.subscribed = true;
        this.awaitedCanary = undefined;
        this.markSubscribed();
        this.updateReadiness();
        if (this.everSubscribed)
            this.resumeDue = true;
        this.everSubscribed = true;
        this.resumeIfDue();
    }
    resumeIfDue() {
        if (!this.resumeDue || !this.ready)
            return;
        this.resumeDue = false;
        this.logger.log('subscriber reconnected; streams resume from their last message');
        this.listener.resume();
    }
    onMessage(channel, body) {
        const first = body.indexOf('\n');
        const head = body.slice(0, first);
        if (head === CANARY) {
            if (Number(body.slice(first + 1)) === this.awaitedCanary)
                this.awaitedCanary = undefined;
            this.updateReadiness();
            return;
        }
        const second = body.indexOf('\n', first + 1);
        try {
            this.listener.deliver(decode(Number(head), body.slice(first + 1, second), body.slice(second + 1)));
        }
        catch (err) {
            this.logger.error(`undeliverable message on ${channel}: ${describe(err)}`);
        }
    }
    canary() {
        if (this.awaitedCanary !== undefined && this.subscribed) {
            this.logger.warn('subscriber missed its canary; reconnecting it');
            this.awaitedCanary = undefined;
            this.subscribed = false;
            this.updateReadiness();
            this.sub.disconnect(true);
            return;
        }
        if (!this.subscribed || this.cmd.status !== 'ready')
            return;
        const n = ++this.canaryCount;
        this.awaitedCanary = n;
        this.cmd
            .publish(this.instanceChannel(this.instanceId), `${CANARY}\n${n}`)
            .catch(() => undefined);
    }
    refreshPresence() {
        if (this.cmd.status !== 'ready')
            return;
        const ttl = this.options.presenceTtl;
        const pipeline = this.cmd.pipeline();
        for (const entry of this.local.values()) {
            void pipeline.sseReserve(...this.presenceArgs(entry), ttl, 0, entry.userId, scopedKey(entry.tenantId, entry.userId));
        }
        pipeline.hset(this.key('instances'), this.instanceId, JSON.stringify(this.stats()));
        pipeline.pexpire(this.key('instances'), ttl * 10);
        this.track(pipeline
            .exec()
            .catch((err) => this.logger.debug(`presence refresh failed: ${describe(err)}`)));
    }
    presenceArgs(entry) {
        return [
            3,
            this.key(`p:${scopedKey(entry.tenantId, entry.userId)}`),
            this.key(`o:${entry.tenantId ?? ''}`),
            this.key('users'),
            entry.clientId,
        ];
    }
    readScript(streams, cursorEpoch, cursorSeq) {
        const keys = [this.key('epoch'), this.key('seq'), ...streams];
        return this.command(() => this.cmd.sseRead(keys.length, ...keys, this.candidateEpoch, cursorEpoch, String(cursorSeq), this.history.ttl, this.history.size > 0 ? '1' : '0'));
    }
    async checkVersion() {
        const info = await this.cmd.info('server');
        const version = /redis_version:(\d+)/.exec(info)?.[1];
        if (!version || Number(version) < MIN_REDIS_MAJOR)
            throw new Error(SSE_MESSAGES.REDIS_TOO_OLD(version ?? 'unknown'));
    }
    async command(run) {
        try {
            return await run();
        }
        catch (err) {
            this.updateReadiness();
            throw this.unavailable(describe(err));
        }
    }
    async withTimeout(promise, what) {
        let timer;
        const timeout = new Promise((_, reject) => {
            timer = setTimeout(() => reject(this.unavailable(`${what} timed out`)), this.options.commandTimeout);
        });
        try {
            return await Promise.race([promise, timeout]);
        }
        finally {
            clearTimeout(timer);
        }
    }
    unavailable(reason) {
        return new TransportUnavailableError(SSE_MESSAGES.TRANSPORT_UNAVAILABLE(reason));
    }
    updateReadiness() {
        if (this.closing)
            return;
        const ready = this.cmd.status === 'ready' &&
            this.sub.status === 'ready' &&
            this.subscribed;
        if (ready !== this.readiness.value) {
            this.logger[ready ? 'log' : 'warn'](ready ? 'Redis transport ready' : 'Redis transport not ready');
        }
        this.readiness.next(ready);
    }
    onError(connection, err) {
        this.logger.debug(`${connection} connection: ${describe(err)}`);
        this.updateReadiness();
    }
    track(promise) {
        this.pending.add(promise);
        void promise.finally(() => this.pending.delete(promise));
    }
    every(ms, run) {
        const timer = setInterval(run, ms);
        timer.unref();
        this.timers.push(timer);
    }
    key(name) {
        return `${this.options.keyPrefix}${name}`;
    }
    channel(key) {
        return this.key(`m:${key}`);
    }
    instanceChannel(instanceId) {
        return this.key(`i:${instanceId}`);
    }
}
function decode(seq, epoch, body) {
    const split = body.indexOf('\n');
    const header = JSON.parse(body.slice(0, split));
    const json = body.slice(split + 1);
    return new SseEnvelope({
        id: `${epoch}-${seq}`,
        event: header.e,
        data: JSON.parse(json),
        target: header.t,
        createdAt: new Date(header.c),
    }, json, seq);
}
function reviveStats(json) {
    try {
        const stats = JSON.parse(json);
        stats.startedAt = new Date(stats.startedAt);
        stats.updatedAt = new Date(stats.updatedAt);
        return stats;
    }
    catch {
        return undefined;
    }
}
function quiet(promise) {
    const settled = promise.then(() => undefined);
    settled.catch(() => undefined);
    return settled;
}
function describe(err) {
    return err instanceof Error ? err.message : String(err);
}
