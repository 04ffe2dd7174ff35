/**
 * The fake registry's token service (distribution "token authentication"): `GET /token?service=&scope=`
 * with optional Basic credentials; grants `pull` on each requested repository the caller may pull, and
 * issues an opaque token the registry later checks for that grant and its expiry.
 */
import { randomBytes } from 'node:crypto';
import type { RegistryStore } from './registry-store.js';

interface IssuedToken {
  user: string | undefined;
  pull: Set<string>;
  expiresAt: number;
}

export type TokenAnswer =
  | { status: 200; body: { token: string; access_token: string; expires_in: number; issued_at: string } }
  | { status: 400 | 401; body: { errors: { code: string; message: string }[] } };

export class TokenService {
  private readonly tokens = new Map<string, IssuedToken>();
  issued = 0;

  constructor(
    private readonly store: RegistryStore,
    private readonly users: Map<string, string>,
    private readonly service: string,
    public ttlSeconds: number,
  ) {}

  /** Checks a Basic header; undefined for anonymous, null for wrong credentials. */
  authenticate(authorization: string | undefined): string | undefined | null {
    if (!authorization?.startsWith('Basic ')) return authorization === undefined ? undefined : null;
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = decoded.slice(0, colon);
    return colon > 0 && this.users.get(user) === decoded.slice(colon + 1) ? user : null;
  }

  issue(query: URLSearchParams, authorization: string | undefined): TokenAnswer {
    if (query.get('service') !== this.service)
      return { status: 400, body: { errors: [{ code: 'UNSUPPORTED', message: 'unknown service' }] } };
    const user = this.authenticate(authorization);
    if (user === null)
      return {
        status: 401,
        body: { errors: [{ code: 'UNAUTHORIZED', message: 'incorrect username or password' }] },
      };
    const pull = new Set<string>();
    for (const scope of query.getAll('scope')) {
      const match = /^repository:([^:]+):([a-z,*]+)$/.exec(scope);
      if (match && match[2]?.split(',').includes('pull') && this.store.mayPull(match[1] ?? '', user))
        pull.add(match[1] ?? '');
    }
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { user, pull, expiresAt: Date.now() + this.ttlSeconds * 1000 });
    this.issued += 1;
    return {
      status: 200,
      body: { token, access_token: token, expires_in: this.ttlSeconds, issued_at: new Date().toISOString() },
    };
  }

  /** Whether a Bearer header carries a live token that grants pull on `repository`. */
  allows(authorization: string | undefined, repository: string): boolean {
    if (!authorization?.startsWith('Bearer ')) return false;
    const token = this.tokens.get(authorization.slice(7));
    return token !== undefined && token.expiresAt > Date.now() && token.pull.has(repository);
  }

  /** Makes every issued token expire now (the registry restarted its token key, or time passed). */
  expireAll(): void {
    for (const token of this.tokens.values()) token.expiresAt = 0;
  }
}
