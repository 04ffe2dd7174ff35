import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../observability/logger.js';

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

/**
 * A connection for request handlers and stores: it fails fast (a request must not hang while Redis is
 * down) and reconnects with capped backoff in the background.
 */
export function createCommandConnection(options: RedisOptions, log?: Logger): Redis {
  const redis = new Redis({
    ...options,
    maxRetriesPerRequest: 2,
    connectTimeout: 5_000,
    retryStrategy: (times) => Math.min(200 * 2 ** times, 5_000),
  });
  redis.on('error', (error: Error) => log?.warn({ err: error }, 'Redis connection error; reconnecting'));
  return redis;
}

/** Thrown at start-up when Redis does not answer: the message says where and what to do. */
export class RedisUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Could not reach Redis at ${redisHost(url)}: ${reason}. Check REDIS_URL and that Redis is running; nothing was changed.`,
      { cause },
    );
    this.name = 'RedisUnreachableError';
  }
}

/** One connection attempt with no retries, so start-up fails at once with a clear message instead of hanging. */
export async function assertRedisAnswers(url: string, timeoutMs = 5_000): Promise<void> {
  const probe = new Redis({
    ...redisOptionsFromUrl(url),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let cause: Error | undefined;
  probe.on('error', (error: Error) => (cause ??= error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new RedisUnreachableError(url, cause ?? error);
  } finally {
    probe.disconnect();
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
