// Must compile: a typed broker accepts its declared events with their data
// and types what it returns and emits; an untyped broker accepts any name
// and any data, exactly as before event maps existed.
import { Injectable } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import {
  SseBroker,
  type SseEventMessage,
  type SseEventName,
  type SseMessage,
} from 'nestjs-sse-broker';
import type { AppEvents, Notification, OrderShipped } from './app-events.js';

@Injectable()
export class Orders {
  constructor(private readonly sse: SseBroker<AppEvents>) {}

  async ship(userId: string, order: OrderShipped): Promise<string> {
    const sent = await this.sse.sendToUser(userId, 'order.shipped', order, {
      tenantId: 'acme',
      idempotencyKey: `shipped-${order.orderId}`,
    });
    const event: 'order.shipped' = sent.event;
    const carrier: string = sent.data.carrier;
    return `${event} ${carrier} ${sent.id}`;
  }

  async publishAll(clientId: string): Promise<void> {
    await this.sse.sendToTopic('orders', 'stock.level', 3);
    await this.sse.broadcast('notification', { title: 'Hi', unread: true });
    const direct = await this.sse.sendToClient(clientId, 'notification', {
      title: 'Only you',
      unread: false,
    });
    const note: Notification = direct.data;
    void note;
  }

  watch(userId: string): void {
    this.sse.userStream(userId).subscribe((message) => {
      if (message.event === 'notification') {
        const title: string = message.data.title;
        void title;
      } else if (message.event === 'stock.level') {
        const level: number = message.data;
        void level;
      }
    });
    this.sse.topicStream('orders').subscribe((m) => void m.id);
    this.sse.broadcastStream({ tenantId: 'acme' }).subscribe((m) => void m);
  }
}

const names: SseEventName<AppEvents>[] = [
  'order.shipped',
  'notification',
  'stock.level',
];
void names;

const message: SseEventMessage<AppEvents> = {
  id: '1-1',
  event: 'stock.level',
  data: 7,
  target: { type: 'broadcast', tenantId: undefined },
  createdAt: new Date(),
};
void message;

@Injectable()
export class Legacy {
  constructor(private readonly sse: SseBroker) {}

  async anything(userId: string): Promise<void> {
    const sent = await this.sse.sendToUser(userId, 'whatever', { any: 1 });
    const n: number = sent.data.any;
    const explicit: SseMessage<{ text: string }> = await this.sse.sendToUser<{
      text: string;
    }>(userId, 'notice', {
      text: 'hi',
    });
    const event: string = explicit.event;
    await this.sse.sendToTopic('t', 'x', 'a string');
    await this.sse.broadcast('y', [1, 2, 3]);
    await this.sse.sendToClient('c', 'z', null);
    this.sse.userStream(userId).subscribe((m: SseMessage) => void m.data);
    void n;
    void event;
  }
}

export function fromApplication(app: INestApplication): void {
  // What `app.get` infers is untyped; a typed view is one type argument away.
  const untyped = app.get(SseBroker);
  void untyped.sendToUser('u', 'any-name', { free: true });
  const typed = app.get<SseBroker, SseBroker<AppEvents>>(SseBroker);
  void typed.sendToUser('u', 'stock.level', 1);
}
