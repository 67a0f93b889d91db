// Must compile: the browser client's handlers receive the data type their
// event declares, and its id; an untyped client accepts any event name and
// hands its data over as `unknown`, to be narrowed by the application.
import {
  createSseClient,
  type SseClient,
  type SseEventMeta,
} from 'nestjs-sse-broker/client';
import type { AppEvents, Notification, OrderShipped } from './app-events.js';

const sse = createSseClient<AppEvents>({
  url: '/sse/stream',
  topics: ['orders'],
});

const stopShipped = sse.on('order.shipped', (order, meta) => {
  const shipped: OrderShipped = order;
  const carrier: string = order.carrier;
  const id: string = meta.id;
  void [shipped, carrier, id];
});
const stop: () => void = stopShipped;
void stop;

sse.on('notification', (note, { id }) => {
  const notification: Notification = note;
  const unread: boolean = note.unread;
  void [notification, unread, id];
});
sse.on('stock.level', (level) => {
  const count: number = level;
  void count;
});

// A handler may ignore the id, or take a wider type than the data.
sse.on('order.shipped', (order: { orderId: string }) => void order.orderId);

sse.onReset(({ reason }) => void reason);
sse.onStateChange((state, detail) => {
  const live: boolean = state === 'live';
  void [live, detail?.reason];
});

const typed: SseClient<AppEvents> = sse;
void typed;

const untyped = createSseClient({ url: '/sse/stream' });
untyped.on('anything:at-all', (data, meta: SseEventMeta) => {
  const value: unknown = data;
  if (typeof data === 'object' && data !== null && 'title' in data)
    void data.title;
  void [value, meta.id];
});
const plain: SseClient = untyped;
void plain;
