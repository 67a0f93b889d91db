import type {
  SseModuleExtras,
  SseModuleOptions,
  SseWriter,
} from 'nestjs-sse-broker';
import { jwtSecret } from './jwt-secret.js';

/**
 * The demo's SSE options, read from the environment. `REDIS_URL` switches to
 * the Redis transport (several instances; `SSE_REDIS_PREFIX` separates
 * deployments sharing one Redis). Unset variables keep the library's defaults; `0` means unlimited where the option allows it. Values
 * that are not numbers are passed on as they are, so that the module refuses
 * to start with a message naming the option.
 */
export function sseOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): SseModuleOptions {
  return {
    auth: { secret: jwtSecret(env) },
    heartbeatInterval: int(env.SSE_HEARTBEAT_MS),
    clientTimeout: int(env.SSE_CLIENT_TIMEOUT_MS),
    maxConnections: int(env.SSE_MAX_CONNECTIONS),
    maxConnectionsPerUser: int(env.SSE_MAX_CONNECTIONS_PER_USER),
    clientBufferSize: int(env.SSE_CLIENT_BUFFER_SIZE),
    retry: int(env.SSE_RETRY_MS),
    history: {
      size: int(env.SSE_HISTORY_SIZE),
      ttl: int(env.SSE_HISTORY_TTL_MS),
    },
    maxConnectionAge: int(env.SSE_MAX_CONNECTION_AGE_MS),
    transport: env.REDIS_URL
      ? {
          type: 'redis',
          url: env.REDIS_URL,
          keyPrefix: env.SSE_REDIS_PREFIX || undefined,
        }
      : { type: 'memory' },
  };
}

/** The demo's route options (known before any provider exists): the writer from `SSE_WRITER`, and the admin routes. */
export function sseRoutesFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): SseModuleExtras {
  return {
    writer: (env.SSE_WRITER || undefined) as SseWriter | undefined,
    adminRoutes: true,
  };
}

function int(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : (value as unknown as number);
}
