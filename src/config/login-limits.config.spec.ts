import {
  DEFAULT_LOGIN_LIMITS,
  loginLimitsFromEnv,
} from './login-limits.config.js';

describe('loginLimitsFromEnv', () => {
  it('defaults to 5 failures per username and 20 per address in 15 minutes', () => {
    expect(loginLimitsFromEnv({})).toEqual(DEFAULT_LOGIN_LIMITS);
    expect(DEFAULT_LOGIN_LIMITS).toEqual({
      perUser: 5,
      perAddress: 20,
      windowMs: 900_000,
    });
  });

  it('reads the variables', () => {
    expect(
      loginLimitsFromEnv({
        LOGIN_MAX_FAILURES_PER_USER: '3',
        LOGIN_MAX_FAILURES_PER_ADDRESS: '7',
        LOGIN_FAILURE_WINDOW_MS: '1000',
      }),
    ).toEqual({ perUser: 3, perAddress: 7, windowMs: 1000 });
  });

  it('refuses a value that is not a positive integer, naming the variable', () => {
    for (const bad of ['0', '-1', '1.5', 'many'])
      expect(() =>
        loginLimitsFromEnv({ LOGIN_MAX_FAILURES_PER_USER: bad }),
      ).toThrow(`LOGIN_MAX_FAILURES_PER_USER must be a positive integer`);
  });
});
