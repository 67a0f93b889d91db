/**
 * B1: better-sse 0.16 as its README suggests, one Channel for broadcasts and
 * a map of sessions per user for targeted pushes. Defaults kept (keep-alive
 * comment every 10 s, JSON serialiser), so each session serialises each event.
 */
import { createChannel, createSession, type Session } from 'better-sse';
import { createServer } from 'node:http';
import { serveControl, trackConnections } from './control.js';

const channel = createChannel();
const byUser = new Map<string, Set<Session>>();

const server = createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', 'http://bench');
  if (url.pathname !== '/sse') {
    response.writeHead(404).end();
    return;
  }
  const user = url.searchParams.get('user') ?? 'anonymous';
  const session = await createSession(request, response);
  channel.register(session);
  let mine = byUser.get(user);
  if (!mine) byUser.set(user, (mine = new Set()));
  mine.add(session);
  session.once('disconnected', () => {
    mine.delete(session);
    if (mine.size === 0) byUser.delete(user);
  });
});
trackConnections(server);

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  serveControl('B1', port, {
    broadcast(seq, payload) {
      channel.broadcast(payload, 'tick', { eventId: String(seq) });
    },
    sendToUser(userId, seq, payload) {
      const sessions = byUser.get(userId);
      if (!sessions) return;
      for (const session of sessions)
        session.push(payload, 'tick', String(seq));
    },
  });
});
