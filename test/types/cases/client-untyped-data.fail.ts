// Without an event map, any name is accepted and its data is `unknown`
// (not `any`): the application narrows it before use.
import { createSseClient } from 'nestjs-sse-broker/client';

const sse = createSseClient({ url: '/sse/stream' });

sse.on('anything', (data) => {
  // @expect-error TS18046: 'data' is of type 'unknown'
  void data.title;
});
