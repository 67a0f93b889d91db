/**
 * Whether `err` is Node's failure to find the package `name`: how the
 * loaders of optional peer dependencies (ioredis, prom-client) tell a
 * missing package from one that failed while loading.
 * @internal
 */
export function isMissingPackage(err: unknown, name: string): boolean {
  const { code, message } = (err ?? {}) as {
    code?: unknown;
    message?: unknown;
  };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    message.includes(`'${name}'`)
  );
}
