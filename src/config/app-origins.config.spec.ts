import { appOriginsFromEnv } from './app-origins.config.js';

describe('appOriginsFromEnv', () => {
  it('is empty when APP_ORIGINS is unset or blank', () => {
    expect(appOriginsFromEnv({}).size).toBe(0);
    expect(appOriginsFromEnv({ APP_ORIGINS: ' , ' }).size).toBe(0);
  });

  it('reads comma-separated origins, a trailing slash allowed', () => {
    expect([
      ...appOriginsFromEnv({
        APP_ORIGINS: 'https://app.example.com, http://localhost:5173/',
      }),
    ]).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it('refuses an entry that is not an origin, naming the variable', () => {
    for (const bad of ['app.example.com', 'https://a.example/path', '*'])
      expect(() => appOriginsFromEnv({ APP_ORIGINS: bad })).toThrow(
        /^APP_ORIGINS: /,
      );
  });
});
