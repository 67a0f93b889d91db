// A handler that expects another shape than its event declares.
import { createSseClient } from 'nestjs-sse-broker/client';
import type { AppEvents, Notification } from './app-events.js';

const sse = createSseClient<AppEvents>({ url: '/sse/stream' });

// @expect-error TS2345: Types of parameters 'note' and 'data' are incompatible
sse.on('order.shipped', (note: Notification) => void note.title);

sse.on('stock.level', (level) => {
  // @expect-error TS2322: Type 'number' is not assignable to type 'string'
  const text: string = level;
  void text;
});
