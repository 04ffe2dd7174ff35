import type { RedisOptions } from 'ioredis';

/** ioredis options from a `redis://[user:password@]host:port[/db]` URL (rediss:// turns TLS on). */
export function redisOptionsFromUrl(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // A fresh error: Node's own carries the whole URL (and so the password) in `input`.
    throw new Error(
      'REDIS_URL is not a valid URL. Percent-encode special characters (/ ? # @ :) in the password.',
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`REDIS_URL must start with redis:// or rediss://, got ${parsed.protocol}`);
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(Number.isInteger(db) ? { db } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Thrown at start-up when Redis does not answer: the message says where and what to do. */
export class RedisUnreachableError extends Error {
  /**
   * @param where host:port, or the Sentinel/Cluster addresses; never credentials.
   * @param check the variables that say where Redis is.
   */
  constructor(where: string, cause: unknown, check = 'REDIS_URL') {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Could not reach Redis at ${where}: ${reason}. Check ${check} and that Redis is running; nothing was changed.`,
      { cause },
    );
    this.name = 'RedisUnreachableError';
  }
}

/** host:port of a Redis URL, never its password. */
export function redisHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'REDIS_URL';
  }
}
