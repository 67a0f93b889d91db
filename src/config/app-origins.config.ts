/**
 * Origins, besides the application's own, whose pages may change state through
 * the demo's REST routes: `APP_ORIGINS`, comma-separated (e.g. a front end
 * served from another host). Unset: only the application's own origin.
 * An entry that is not an origin (`scheme://host[:port]`) stops start-up.
 */
export function appOriginsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): ReadonlySet<string> {
  const origins = (env.APP_ORIGINS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const origin = parseOrigin(entry);
      if (origin === undefined || origin !== entry.replace(/\/$/, ''))
        throw new Error(
          `APP_ORIGINS: "${entry}" is not an origin (scheme://host[:port], without a path)`,
        );
      return origin;
    });
  return new Set(origins);
}

function parseOrigin(value: string): string | undefined {
  try {
    const origin = new URL(value).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}
