/**
 * Authorization header values the bot earned from registries (Bearer tokens until they expire, Basic for
 * registries that asked for it), keyed by registry host, repository and credential user, so the next check
 * of the same repository sends its token at once instead of being challenged again. Bounded: the oldest
 * entry goes first. Values never leave this object except as a request header.
 */
export class RegistryTokenCache {
  private readonly entries = new Map<string, { authorization: string; expiresAt: number }>();

  constructor(
    private readonly maxEntries = 256,
    private readonly now: () => number = Date.now,
  ) {}

  static key(registryHost: string, repository: string, username: string | undefined): string {
    return `${registryHost}\u0000${repository}\u0000${username ?? ''}`;
  }

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.authorization;
  }

  /** Keeps `authorization` for `ttlMs` (Infinity for Basic credentials). */
  set(key: string, authorization: string, ttlMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { authorization, expiresAt: this.now() + ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
