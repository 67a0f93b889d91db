import { positiveInteger } from './positive-integer.util.js';

/** How many failed logins are allowed, and for how long a failure counts. */
export interface LoginLimits {
  /** Failures per username within the window; `LOGIN_MAX_FAILURES_PER_USER`. @default 5 */
  perUser: number;
  /** Failures per client address within the window; `LOGIN_MAX_FAILURES_PER_ADDRESS`. @default 20 */
  perAddress: number;
  /** Milliseconds a failure counts; `LOGIN_FAILURE_WINDOW_MS`. @default 900000 (15 minutes) */
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perUser: 5,
  perAddress: 20,
  windowMs: 15 * 60_000,
};

/** The login limits from the environment; a value that is not a positive integer stops start-up. */
export function loginLimitsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): LoginLimits {
  return {
    perUser: positiveInteger(
      env,
      'LOGIN_MAX_FAILURES_PER_USER',
      DEFAULT_LOGIN_LIMITS.perUser,
    ),
    perAddress: positiveInteger(
      env,
      'LOGIN_MAX_FAILURES_PER_ADDRESS',
      DEFAULT_LOGIN_LIMITS.perAddress,
    ),
    windowMs: positiveInteger(
      env,
      'LOGIN_FAILURE_WINDOW_MS',
      DEFAULT_LOGIN_LIMITS.windowMs,
    ),
  };
}
