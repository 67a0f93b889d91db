import { jest } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { firstValueFrom, take, toArray } from 'rxjs';
import { resolveSseOptions } from '../options/resolve-sse-options.js';
import { SSE_RESOLVED_OPTIONS } from '../options/resolved-sse-options.interface.js';
import type { SseRootOptions } from '../options/sse-module-options.interface.js';
import { MemoryTransport } from '../transport/memory/memory.transport.js';
import { SSE_TRANSPORT } from '../transport/sse-transport.interface.js';
import { SseBroker } from './sse-broker.js';
import { SseConnectionHub } from './sse-connection-hub.js';
import { SseRevocations } from './sse-revocations.js';

/** A started broker on the memory transport, and the hub behind it. */
async function start(options: SseRootOptions = {}): Promise<{
  broker: SseBroker;
  hub: SseConnectionHub;
  revocations: SseRevocations;
}> {
  const resolved = resolveSseOptions({ auth: { secret: 's' }, ...options });
  const moduleRef = await Test.createTestingModule({
    providers: [
      SseBroker,
      SseConnectionHub,
      SseRevocations,
      { provide: SSE_RESOLVED_OPTIONS, useValue: resolved },
      {
        provide: SSE_TRANSPORT,
        useValue: new MemoryTransport(resolved.history),
      },
    ],
  }).compile();
  await moduleRef.init();
  return {
    broker: moduleRef.get(SseBroker),
    hub: moduleRef.get(SseConnectionHub),
    revocations: moduleRef.get(SseRevocations),
  };
}

async function broker(options: SseRootOptions = {}): Promise<SseBroker> {
  return (await start(options)).broker;
}

describe('SseBroker', () => {
  it('returns the published message with an id, target and creation time', async () => {
    const b = await broker();
    const message = await b.sendToUser(
      'u1',
      'notification',
      { a: 1 },
      { tenantId: 't' },
    );
    expect(message).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{10}-1$/),
      event: 'notification',
      data: { a: 1 },
      target: { type: 'user', userId: 'u1', tenantId: 't' },
      createdAt: expect.any(Date),
    });
    expect((await b.broadcast('x', null)).id).toMatch(/-2$/);
  });

  it("streams a user's and a topic's messages to in-process observers, per tenant", async () => {
    const b = await broker();
    const userMessages = firstValueFrom(
      b.userStream('u1', { tenantId: 't' }).pipe(take(2), toArray()),
    );
    const topicMessages = firstValueFrom(
      b.topicStream('jobs').pipe(take(1), toArray()),
    );

    await b.sendToUser('u1', 'not-this-tenant', 0);
    await b.sendToUser('u1', 'one', 1, { tenantId: 't' });
    await b.sendToTopic('jobs', 'other-tenant', 0, { tenantId: 't' });
    await b.sendToTopic('jobs', 'job', 2);
    await b.sendToUser('u1', 'two', 2, { tenantId: 't' });

    expect((await userMessages).map((m) => m.event)).toEqual(['one', 'two']);
    expect((await topicMessages).map((m) => m.event)).toEqual(['job']);
    expect((await b.getStats()).totalTopics).toBe(0);
  });

  it('rejects bad input with typed errors and publishes nothing', async () => {
    const b = await broker({ maxPayloadBytes: 10 });
    await expect(b.sendToUser('', 'x', 1)).rejects.toMatchObject({
      code: 'invalid_user_id',
      name: 'InvalidUserIdError',
    });
    await expect(b.sendToTopic('', 'x', 1)).rejects.toMatchObject({
      code: 'invalid_topic',
    });
    await expect(b.broadcast('close', 1)).rejects.toMatchObject({
      code: 'reserved_event_name',
    });
    await expect(b.broadcast('x', 'a long string')).rejects.toMatchObject({
      code: 'payload_too_large',
    });
    await expect(b.broadcast('x', undefined)).rejects.toMatchObject({
      code: 'unserializable_data',
    });
    await expect(b.sendToClient('nobody', 'x\n', 1)).rejects.toMatchObject({
      code: 'invalid_event_name',
    });
    expect((await b.getStats()).messagesPublished).toBe(0);
  });

  it('refuses a user id with a control character, so scoped keys cannot collide', async () => {
    const b = await broker();
    // User "c" of tenant "a\0b" would share its key with user "b\0c" of tenant "a".
    await expect(
      b.sendToUser('b\u0000c', 'x', 1, { tenantId: 'a' }),
    ).rejects.toMatchObject({ code: 'invalid_user_id' });
    expect(() => b.userStream('b\u0000c', { tenantId: 'a' })).toThrow(
      expect.objectContaining({ code: 'invalid_user_id' }),
    );
    expect((await b.getStats()).messagesPublished).toBe(0);
  });

  it('refuses topics when they are disabled', async () => {
    const b = await broker({ enableTopics: false });
    await expect(b.sendToTopic('a', 'x', 1)).rejects.toMatchObject({
      code: 'topics_disabled',
    });
    expect(() => b.topicStream('a')).toThrow(
      expect.objectContaining({ code: 'topics_disabled' }),
    );
  });

  it('resolves sendToClient for a client that is gone (it may live on another instance)', async () => {
    const b = await broker();
    await expect(b.sendToClient('gone', 'x', 1)).resolves.toMatchObject({
      target: { type: 'client', clientId: 'gone' },
    });
    await expect(b.disconnect('gone')).resolves.toBe(false);
    await expect(b.disconnectUser('nobody')).resolves.toBe(0);
    await expect(b.subscribe('nobody', 'a')).resolves.toBe(0);
  });

  it('keeps a revocation for its ttl: credentials issued before it are refused, later ones accepted', async () => {
    const { broker: b, revocations } = await start();
    const now = Date.now();
    const old = {
      userId: 'eve',
      tenantId: 't',
      roles: [],
      issuedAt: now - 5_000,
    };
    expect(await revocations.isRevoked(old)).toBe(false);
    await expect(b.revokeUser('eve', { tenantId: 't' })).resolves.toBe(0);
    expect(await revocations.isRevoked(old)).toBe(true);
    // Another tenant's user of the same id, and a token without iat, are not refused.
    expect(await revocations.isRevoked({ ...old, tenantId: 'u' })).toBe(false);
    expect(await revocations.isRevoked({ ...old, issuedAt: undefined })).toBe(
      false,
    );
    expect(
      await revocations.isRevoked({ ...old, issuedAt: new Date(now + 1_000) }),
    ).toBe(false);
  });

  it.each([0, 999, 1.5, Number.NaN, 31_536_000_001])(
    'refuses a revocation ttl of %p',
    async (ttl) => {
      const b = await broker();
      await expect(b.revokeUser('eve', { ttl })).rejects.toMatchObject({
        code: 'invalid_revocation_ttl',
      });
    },
  );

  it('reports not running after shutdown and refuses new streams', async () => {
    const { broker: b, hub } = await start();
    await hub.beforeApplicationShutdown();
    expect((await b.getStats()).isRunning).toBe(false);
    await expect(
      hub.admit({ userId: 'u', roles: [] }, [], {} as never, {} as never),
    ).rejects.toMatchObject({ code: 'shutting_down' });
  });

  describe('getHistory', () => {
    it("returns a target's retained messages after a cursor, only that target's and only that tenant's", async () => {
      const b = await broker();
      const first = await b.sendToUser('u1', 'a', 1);
      await b.sendToUser('u2', 'other-user', 0);
      await b.sendToUser('u1', 'other-tenant', 0, { tenantId: 't' });
      await b.sendToTopic('news', 'topic', 0);
      await b.sendToUser('u1', 'b', 2);

      const all = await b.getHistory({ type: 'user', userId: 'u1' });
      expect(all).toMatchObject({ complete: true });
      expect(all.messages.map((m) => m.event)).toEqual(['a', 'b']);
      const after = await b.getHistory(
        { type: 'user', userId: 'u1' },
        first.id,
      );
      expect(after.messages.map((m) => m.event)).toEqual(['b']);
      expect(
        (await b.getHistory({ type: 'topic', topic: 'news' })).messages.map(
          (m) => m.event,
        ),
      ).toEqual(['topic']);
    });

    it('reports unknown cursors and gaps instead of a partial answer', async () => {
      const b = await broker({ history: { size: 2, ttl: 60_000 } });
      const first = await b.broadcast('x', 1);
      await b.broadcast('x', 2);
      await b.broadcast('x', 3);
      await b.broadcast('x', 4);
      const epoch = first.id.split('-')[0];

      expect(await b.getHistory({ type: 'broadcast' }, first.id)).toEqual({
        messages: [],
        complete: false,
        reason: 'history_gap',
      });
      expect(
        await b.getHistory({ type: 'broadcast' }, 'ffffffffff-1'),
      ).toMatchObject({ complete: false, reason: 'unknown_cursor' });
      expect(
        await b.getHistory({ type: 'broadcast' }, `${epoch}-99`),
      ).toMatchObject({ complete: false, reason: 'unknown_cursor' });
      expect(
        await b.getHistory({ type: 'broadcast' }, 'garbage'),
      ).toMatchObject({ complete: false, reason: 'unknown_cursor' });
      expect(
        (await b.getHistory({ type: 'broadcast' }, `${epoch}-2`)).messages.map(
          (m) => m.data,
        ),
      ).toEqual([3, 4]);
    });

    it('retains nothing with history.size 0, and says so for any cursor behind the head', async () => {
      const b = await broker({ history: { size: 0, ttl: 60_000 } });
      const first = await b.broadcast('x', 1);
      const second = await b.broadcast('x', 2);
      expect(await b.getHistory({ type: 'broadcast' }, first.id)).toMatchObject(
        { complete: false, reason: 'history_gap' },
      );
      expect(await b.getHistory({ type: 'broadcast' }, second.id)).toEqual({
        messages: [],
        complete: true,
      });
    });

    it('does not retain messages sent to a single client', async () => {
      const b = await broker();
      await b.sendToClient('c1', 'x', 1);
      expect((await b.getHistory({ type: 'broadcast' })).messages).toEqual([]);
    });
  });
});

describe('SseBroker idempotency keys (memory transport)', () => {
  afterEach(() => jest.useRealTimers());

  it('answers a repeated key with the first message and delivers it once', async () => {
    const b = await broker();
    const seen = firstValueFrom(
      b.userStream('u1', { tenantId: 't' }).pipe(take(2), toArray()),
    );
    const opts = { tenantId: 't', idempotencyKey: 'order-42:shipped' };

    const first = await b.sendToUser('u1', 'shipped', { n: 1 }, opts);
    const again = await b.sendToUser('u1', 'shipped', { n: 1 }, opts);
    const marker = await b.sendToUser('u1', 'marker', null, { tenantId: 't' });

    expect(again).toEqual(first);
    expect((await seen).map((m) => m.id)).toEqual([first.id, marker.id]);
    expect(
      (
        await b.getHistory({ type: 'user', userId: 'u1', tenantId: 't' })
      ).messages.map((m) => m.event),
    ).toEqual(['shipped', 'marker']);
    expect((await b.getStats()).messagesPublished).toBe(2);
  });

  it('scopes keys by tenant and by target', async () => {
    const b = await broker();
    const key = { idempotencyKey: 'k' };
    const ids = [
      await b.sendToUser('u1', 'x', 1, { ...key, tenantId: 't' }),
      await b.sendToUser('u1', 'x', 1, { ...key, tenantId: 'other' }),
      await b.sendToUser('u1', 'x', 1, key),
      await b.sendToUser('u2', 'x', 1, { ...key, tenantId: 't' }),
      await b.sendToTopic('u1', 'x', 1, { ...key, tenantId: 't' }),
      await b.broadcast('x', 1, { ...key, tenantId: 't' }),
    ].map((m) => m.id);
    expect(new Set(ids).size).toBe(6);
  });

  it('forgets a key after history.ttl', async () => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const b = await broker({ history: { size: 10, ttl: 60_000 } });
    const opts = { idempotencyKey: 'daily-digest' };
    const first = await b.broadcast('digest', 1, opts);
    jest.advanceTimersByTime(59_000);
    expect((await b.broadcast('digest', 1, opts)).id).toBe(first.id);
    jest.advanceTimersByTime(1_001);
    expect((await b.broadcast('digest', 1, opts)).id).not.toBe(first.id);
  });

  it('still applies with replay off (history.size 0), within history.ttl', async () => {
    const b = await broker({ history: { size: 0, ttl: 60_000 } });
    const opts = { idempotencyKey: 'k' };
    const first = await b.broadcast('x', 1, opts);
    expect((await b.broadcast('x', 1, opts)).id).toBe(first.id);
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(129)],
    ['a space', 'a b'],
    ['a newline', 'a\nb'],
    ['not ASCII', 'clé'],
    ['not a string', 42],
  ])(
    'refuses a key that is %s with invalid_idempotency_key and publishes nothing',
    async (_, idempotencyKey) => {
      const b = await broker();
      await expect(
        b.sendToUser('u1', 'x', 1, {
          idempotencyKey: idempotencyKey as string,
        }),
      ).rejects.toMatchObject({
        code: 'invalid_idempotency_key',
        name: 'InvalidIdempotencyKeyError',
      });
      expect((await b.getStats()).messagesPublished).toBe(0);
    },
  );
});
