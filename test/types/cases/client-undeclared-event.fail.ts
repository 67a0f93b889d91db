// A typed browser client listens only to events the contract declares.
import { createSseClient } from 'nestjs-sse-broker/client';
import type { AppEvents } from './app-events.js';

const sse = createSseClient<AppEvents>({ url: '/sse/stream' });

// @expect-error TS2345: Argument of type '"order.cancelled"' is not assignable to parameter of type '"order.shipped" | "notification" | "stock.level"'
sse.on('order.cancelled', (data) => void data);
