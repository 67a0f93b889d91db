/** A revocation in force: credentials issued before `notBefore` are refused until `expiresAt`. */
interface Revocation {
  readonly notBefore: number;
  readonly expiresAt: number;
}

/**
 * The memory transport's revocations, by tenant-scoped user key.
 *
 * Revocations are rare (a logout, an administrator's action) and each may
 * have its own lifetime, so every new one drops the expired ones in one
 * O(n) pass, and a lookup drops the entry it finds expired. Memory follows
 * the revocations still in force (plus those that expired since the last
 * revocation), never every revocation ever made; no timer is needed.
 * @internal
 */
export class InMemoryRevocations {
  private readonly entries = new Map<string, Revocation>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Revocations currently remembered (for tests). */
  get size(): number {
    return this.entries.size;
  }

  /** Refuses credentials of `userKey` issued before `notBefore` for `ttl` ms; a later revocation replaces an earlier one, keeping the longer lifetime. */
  revoke(userKey: string, notBefore: number, ttl: number): void {
    const now = this.now();
    for (const [key, entry] of this.entries)
      if (entry.expiresAt <= now) this.entries.delete(key);
    const previous = this.entries.get(userKey);
    this.entries.set(userKey, {
      notBefore: Math.max(notBefore, previous?.notBefore ?? 0),
      expiresAt: Math.max(now + ttl, previous?.expiresAt ?? 0),
    });
  }

  /** The `notBefore` of the revocation of `userKey` in force, if any. */
  revokedBefore(userKey: string): number | undefined {
    const entry = this.entries.get(userKey);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.now()) return entry.notBefore;
    this.entries.delete(userKey);
    return undefined;
  }

  close(): void {
    this.entries.clear();
  }
}
