import { jest } from '@jest/globals';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import type { SseEnvelope } from '../core/sse-envelope.js';
import { scopedKey } from '../core/sse-target.js';
import type { SseConnection } from '../stream/sse-connection.js';
import type { SseTransport } from '../transport/sse-transport.interface.js';
import { SseStreamControl } from './sse-stream-control.js';
import { SubjectRegistry } from './subject-registry.js';

function stream(id: string, userId: string, topics: string[] = []) {
  return {
    id,
    userId,
    tenantId: 't',
    topics,
    receive: jest.fn(),
    close: jest.fn(),
    renew: jest.fn(),
    resume: jest.fn(),
  };
}

function setUp() {
  const ana = [stream('a1', 'ana', ['news']), stream('a2', 'ana')];
  const bob = stream('b1', 'bob');
  const all = [...ana, bob];
  const lookup = {
    client: (id: string) =>
      all.find((s) => s.id === id) as unknown as SseConnection | undefined,
    clientsOfUser: (userId: string) => {
      const found = all.filter((s) => s.userId === userId);
      return found.length > 0
        ? (new Set(found) as unknown as ReadonlySet<SseConnection>)
        : undefined;
    },
  };
  const targets = new SubjectRegistry<SseEnvelope>({
    opened: () => undefined,
    released: () => undefined,
    failed: () => undefined,
  });
  const transport = {
    settle: jest.fn(() => Promise.resolve()),
  } as unknown as SseTransport;
  const control = new SseStreamControl(lookup, targets, transport, {
    maxTopicsPerConnection: 2,
  });
  return { control, ana, bob, targets };
}

const identity = (userId: string, issuedAt: number): SseIdentity => ({
  userId,
  tenantId: 't',
  roles: [],
  issuedAt,
});

describe('SseStreamControl', () => {
  it("closes a user's streams and then refuses that user's tokens issued before the revocation", async () => {
    const { control, ana, bob } = setUp();
    expect(control.revoked(identity('ana', 1_000), scopedKey('t', 'ana'))).toBe(
      false,
    );
    const result = await control.execute({
      select: { userId: 'ana', tenantId: 't' },
      action: { type: 'close', reason: 'revoked', notBefore: 2_000 },
    });
    expect(result).toEqual({ count: 2 });
    ana.forEach((s) => expect(s.close).toHaveBeenCalledWith('revoked'));
    expect(bob.close).not.toHaveBeenCalled();
    expect(control.revoked(identity('ana', 1_000), scopedKey('t', 'ana'))).toBe(
      true,
    );
    expect(control.revoked(identity('ana', 3_000), scopedKey('t', 'ana'))).toBe(
      false,
    );
    expect(control.revoked(identity('bob', 1_000), scopedKey('t', 'bob'))).toBe(
      false,
    );
  });

  it('renews the expiry of the selected streams', async () => {
    const { control, ana } = setUp();
    const result = await control.execute({
      select: { clientId: 'a2', userId: 'ana', tenantId: 't' },
      action: { type: 'expiry', expiresAt: 5_000 },
    });
    expect(result).toEqual({ count: 1 });
    expect(ana[1].renew).toHaveBeenCalledWith(5_000);
    expect(ana[0].renew).not.toHaveBeenCalled();
  });

  it("changes one stream's topics, and refuses a change past maxTopicsPerConnection", async () => {
    const { control, ana } = setUp();
    const select = { clientId: 'a1', userId: 'ana', tenantId: 't' };
    await expect(
      control.execute({
        select,
        action: { type: 'topics', add: ['sport'], remove: [] },
      }),
    ).resolves.toEqual({ count: 1, topics: ['news', 'sport'] });
    expect(ana[0].topics).toEqual(['news', 'sport']);
    await expect(
      control.execute({
        select,
        action: { type: 'topics', add: ['weather'], remove: [] },
      }),
    ).resolves.toEqual({
      count: 0,
      refused: 'too_many_topics',
      topics: ['news', 'sport'],
    });
  });
});
