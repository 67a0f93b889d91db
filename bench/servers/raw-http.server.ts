/**
 * B0, the floor: `node:http`, one pre-serialised frame per event written to
 * every response in a plain loop. No backpressure handling, no ids to keep,
 * no heartbeats: the least work an SSE fan-out in Node can do.
 */
import { createServer, type ServerResponse } from 'node:http';
import { serveControl, trackConnections } from './control.js';

const streams = new Set<ServerResponse>();
const byUser = new Map<string, Set<ServerResponse>>();

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://bench');
  if (url.pathname !== '/sse') {
    response.writeHead(404).end();
    return;
  }
  const user = url.searchParams.get('user') ?? 'anonymous';
  request.socket.setNoDelay(true);
  response.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  response.flushHeaders();
  streams.add(response);
  let mine = byUser.get(user);
  if (!mine) byUser.set(user, (mine = new Set()));
  mine.add(response);
  response.once('close', () => {
    streams.delete(response);
    mine.delete(response);
    if (mine.size === 0) byUser.delete(user);
  });
});
trackConnections(server);

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  serveControl('B0', port, {
    broadcast(seq, payload) {
      const frame = `event: tick\nid: ${seq}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const response of streams) response.write(frame);
    },
    sendToUser(userId, seq, payload) {
      const recipients = byUser.get(userId);
      if (!recipients) return;
      const frame = `event: tick\nid: ${seq}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const response of recipients) response.write(frame);
    },
  });
});
