// The browser client as a page's code meets it: typed by an interface, with
// a token callback, under the consumer's strict settings.
import { createSseClient, type SseClientState } from 'nestjs-sse-broker/client';

interface ShopEvents {
  'order.shipped': { orderId: string };
  notification: { title: string };
}

export function startShopClient(getToken: () => Promise<string>): () => void {
  const sse = createSseClient<ShopEvents>({
    url: '/sse/stream',
    topics: ['orders'],
    token: getToken,
  });
  const stop = sse.on('order.shipped', (order, { id }) => {
    const shipped: string = `${order.orderId}@${id}`;
    return shipped;
  });
  // @ts-expect-error an event the map does not declare
  sse.on('order.lost', () => undefined);
  sse.onStateChange((state: SseClientState) => state);
  return () => {
    stop();
    sse.close();
  };
}
