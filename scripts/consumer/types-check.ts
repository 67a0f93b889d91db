// Uses the public types the way a strict application does; compiled with
// strict, exactOptionalPropertyTypes and noUncheckedIndexedAccess.
import type {
  ResolvedSseOptions,
  SseAuthenticator,
  SseClientInfo,
  SseConnectionEvent,
  SseHealth,
  SseHistoryPage,
  SseHistoryTarget,
  SseIdentity,
  SseMetricsOptions,
  SseMetricsRegistry,
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

/** Metrics options type-check without prom-client installed: the registry is structural. */
export function metricsOn(registry: SseMetricsRegistry): SseRootOptions {
  const metrics: SseMetricsOptions = {
    registry,
    prefix: 'app_',
    tenantLabel: false,
    buckets: { publishToWrite: [0.01, 0.1, 1] },
  };
  return { ...root, metrics };
}

export const probe = (health: SseHealth): boolean =>
  health.transportReady && health.accepting && health.openStreams >= 0;

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
