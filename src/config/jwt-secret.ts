import { Logger } from '@nestjs/common';

/** Used when JWT_SECRET is unset, so that the demo starts on a fresh machine. Never use it in production. */
export const DEV_JWT_SECRET = 'dev-only-insecure-secret-change-me';

let warned = false;

/** The secret that signs the demo's tokens and that the SSE module verifies them with. */
export function jwtSecret(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JWT_SECRET) return env.JWT_SECRET;
  if (!warned) {
    warned = true;
    new Logger('Config').warn(
      'JWT_SECRET is not set: using the development secret. Set JWT_SECRET in production.',
    );
  }
  return DEV_JWT_SECRET;
}
