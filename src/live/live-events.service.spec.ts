import { Test } from '@nestjs/testing';
import { firstValueFrom, take, toArray } from 'rxjs';
import { SseBroker, SseModule } from 'nestjs-sse-broker';
import type { Notification } from '../notifications/notification.js';
import { LiveEvents } from './live-events.service.js';

const note = (body: string): Notification => ({
  id: '1',
  recipientId: 'bob',
  senderId: null,
  title: 'Hi',
  body,
  priority: 'normal',
  createdAt: '2026-01-01T00:00:00.000Z',
  readAt: null,
});

describe('LiveEvents', () => {
  async function setup() {
    const moduleRef = await Test.createTestingModule({
      imports: [
        SseModule.forRoot({
          auth: { secret: 's' },
          maxPayloadBytes: 1_024,
          isGlobal: true,
        }),
      ],
      providers: [LiveEvents],
    }).compile();
    return {
      live: moduleRef.get(LiveEvents),
      broker: moduleRef.get(SseBroker),
    };
  }

  it('publishes to a user, a topic and a tenant', async () => {
    const { live, broker } = await setup();
    const received = firstValueFrom(
      broker.userStream('bob', { tenantId: 'acme' }).pipe(take(1), toArray()),
    );
    await live.toUser('bob', 'acme', 'notification', note('hello'));
    expect((await received).map((m) => m.event)).toEqual(['notification']);
    expect(live.failures).toBe(0);
  });

  it('never throws when publishing fails after a commit: it logs and counts the failure', async () => {
    const { live } = await setup();
    await expect(
      live.toUser('bob', 'acme', 'notification', note('x'.repeat(2_000))),
    ).resolves.toBeUndefined();
    await expect(
      live.toTopic('bad topic', 'acme', 'notification', note('hello')),
    ).resolves.toBeUndefined();
    expect(live.failures).toBe(2);
  });
});
