// Uses the public types the way a strict application does; compiled with
// strict, exactOptionalPropertyTypes and noUncheckedIndexedAccess.
import type {
  ResolvedSseOptions,
  SseAuthenticator,
  SseClientInfo,
  SseConnectionEvent,
  SseHistoryPage,
  SseHistoryTarget,
  SseIdentity,
  SseModuleExtras,
  SseRedisTransportOptions,
  SseRequest,
  SseRootOptions,
  SseStats,
  SseTarget,
  SseTopicAuthorizer,
} from 'nestjs-sse-broker';
import { DEFAULT_SSE_OPTIONS, SseError } from 'nestjs-sse-broker';

export class HeaderAuthenticator implements SseAuthenticator {
  authenticate(request: SseRequest): SseIdentity | null {
    const user = request.headers['x-user'];
    return typeof user === 'string' ? { userId: user, roles: [] } : null;
  }
}

export const authorizer: SseTopicAuthorizer = {
  canSubscribe: (identity: SseIdentity, topic: string) =>
    topic.startsWith(`${identity.userId}:`),
};

export const redis: SseRedisTransportOptions = {
  type: 'redis',
  url: 'redis://127.0.0.1:6379',
  keyPrefix: 'app:',
};

export const root: SseRootOptions = {
  path: 'events',
  writer: 'direct',
  authenticator: HeaderAuthenticator,
  topicAuthorizer: authorizer,
  history: { size: 100 },
};

export const extras: SseModuleExtras = { isGlobal: true };

export function describeTarget(target: SseTarget): string {
  switch (target.type) {
    case 'user':
      return target.userId;
    case 'topic':
      return target.topic;
    case 'client':
      return target.clientId;
    case 'broadcast':
      return target.tenantId ?? '';
  }
}

export function first(page: SseHistoryPage): string | undefined {
  return page.messages[0]?.id;
}

export function summary(
  stats: SseStats,
  clients: SseClientInfo[],
  event: SseConnectionEvent,
  options: ResolvedSseOptions,
  target: SseHistoryTarget,
): string {
  const code = new Error() instanceof SseError ? 'never' : 'ok';
  return `${stats.totalClients} ${clients.length} ${event.type} ${options.path} ${target.type} ${DEFAULT_SSE_OPTIONS.retry} ${code}`;
}
