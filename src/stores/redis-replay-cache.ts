import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-client.js';
import type { RedisKeys } from './redis-keys.js';
import type { ReplayCache } from './replay-cache.js';

/**
 * A replay cache in Redis: `SET <prefix>:rb:replay:<sha256(key)> 1 NX PX ttl`, atomic, so of two copies of
 * one request arriving together exactly one is "first". Keys are hashed: a signature is never stored.
 */
export class RedisReplayCache implements ReplayCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async seen(key: string, ttlMs: number): Promise<boolean> {
    const digest = createHash('sha256').update(key, 'utf8').digest('hex');
    const set = await this.redis.set(
      this.keys.replay(digest),
      '1',
      'PX',
      Math.max(1, Math.ceil(ttlMs)),
      'NX',
    );
    return set !== 'OK';
  }
}
