import { Logger } from '@nestjs/common';
import type { SseModuleOptions, SseWriter } from '@app/sse';

/** Used when JWT_SECRET is unset, so that the demo starts on a fresh machine. Never use it in production. */
export const DEV_JWT_SECRET = 'dev-only-insecure-secret-change-me';

/**
 * The demo's SSE options, read from the environment. Unset variables keep the
 * library's defaults; `0` means unlimited where the option allows it. Values
 * that are not numbers are passed on as they are, so that the module refuses
 * to start with a message naming the option.
 */
export function sseOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): SseModuleOptions {
  const secret = env.JWT_SECRET;
  if (!secret) {
    new Logger('Config').warn(
      'JWT_SECRET is not set: using the development secret. Set JWT_SECRET in production.',
    );
  }
  return {
    auth: { secret: secret || DEV_JWT_SECRET },
    heartbeatInterval: int(env.SSE_HEARTBEAT_MS),
    clientTimeout: int(env.SSE_CLIENT_TIMEOUT_MS),
    maxConnections: int(env.SSE_MAX_CONNECTIONS),
    maxConnectionsPerUser: int(env.SSE_MAX_CONNECTIONS_PER_USER),
    clientBufferSize: int(env.SSE_CLIENT_BUFFER_SIZE),
    retry: int(env.SSE_RETRY_MS),
    writer: (env.SSE_WRITER || undefined) as SseWriter | undefined,
    adminRoutes: true,
  };
}

function int(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : (value as unknown as number);
}
