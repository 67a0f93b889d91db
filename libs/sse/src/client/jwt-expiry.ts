/**
 * The `exp` of a JWT in epoch milliseconds, read from its payload without
 * verifying anything (only to know when to refresh it); undefined when the
 * token is not a JWT or has no numeric `exp`.
 */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const payload: unknown = JSON.parse(atob(padded));
    const exp =
      payload !== null && typeof payload === 'object'
        ? (payload as { exp?: unknown }).exp
        : undefined;
    return typeof exp === 'number' && Number.isFinite(exp)
      ? exp * 1000
      : undefined;
  } catch {
    return undefined;
  }
}
