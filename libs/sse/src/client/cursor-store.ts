import type { SseCursorStorage as CursorStorage } from './sse-client.types.js';

/**
 * The last delivered id of one stream URL and user, kept in `localStorage` (by
 * default) so that a reloaded page resumes where it was. A storage that
 * refuses (quota, privacy mode) leaves the cursor in memory only.
 */
export class CursorStore {
  private readonly key: string;

  constructor(
    private readonly storage: CursorStorage | null,
    scope: string,
  ) {
    this.key = `nestjs-sse-broker:cursor:${scope}`;
  }

  /** The stored id, unless it was stored for another user than `user`. */
  read(user?: string): string | undefined {
    try {
      const entry = JSON.parse(this.storage?.getItem(this.key) ?? 'null') as {
        id?: unknown;
        user?: unknown;
      } | null;
      if (!entry || typeof entry.id !== 'string') return undefined;
      if (user !== undefined && entry.user !== user) return undefined;
      return entry.id;
    } catch {
      return undefined;
    }
  }

  write(id: string, user: string | undefined): void {
    try {
      this.storage?.setItem(this.key, JSON.stringify({ id, user }));
    } catch {
      // Memory only.
    }
  }
}

/** `localStorage`, when the page may use it. */
export function defaultStorage(): CursorStorage | null {
  try {
    return (
      (globalThis as { localStorage?: CursorStorage }).localStorage ?? null
    );
  } catch {
    return null;
  }
}
