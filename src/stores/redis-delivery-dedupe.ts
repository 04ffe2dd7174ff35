import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-client.js';
import type { RedisKeys } from './redis-keys.js';

/** PagerDuty retries a delivery for up to 48 hours: remember each one a little longer. */
const DEFAULT_TTL_SECONDS = 72 * 3600;

/**
 * The replay cache's keys (`<prefix>:rb:replay:<sha256>`, the same namespace and hashing as
 * `RedisReplayCache`), for PagerDuty deliveries: `pagerduty:<event id>`.
 */
function replayKey(keys: RedisKeys, dedupeKey: string): string {
  return keys.replay(createHash('sha256').update(`pagerduty:${dedupeKey}`, 'utf8').digest('hex'));
}

/**
 * Remembers inbound webhook deliveries (PagerDuty's `X-Webhook-Id`, or the event id) so a redelivered one
 * is acknowledged without acting again: `claim` is one `SET NX EX`, true for the first delivery only.
 * `release` forgets a claim whose work could not be queued, so PagerDuty's retry is taken. Unlike the
 * request replay cache (one key per call) it claims a batch in one pipeline and can release.
 */
export class RedisDeliveryDedupe {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly ttlSeconds = DEFAULT_TTL_SECONDS,
  ) {}

  async claim(dedupeKey: string): Promise<boolean> {
    const set = await this.redis.set(replayKey(this.keys, dedupeKey), '1', 'EX', this.ttlSeconds, 'NX');
    return set === 'OK';
  }

  /** `claim` for many deliveries in one round trip (a pipeline), in order. */
  async claimMany(dedupeKeys: readonly string[]): Promise<boolean[]> {
    const pipeline = this.redis.pipeline();
    for (const key of dedupeKeys) pipeline.set(replayKey(this.keys, key), '1', 'EX', this.ttlSeconds, 'NX');
    const results = (await pipeline.exec()) ?? [];
    return dedupeKeys.map((_, index) => {
      const [error, answer] = results[index] ?? [new Error('no answer'), null];
      if (error) throw error;
      return answer === 'OK';
    });
  }

  async releaseMany(dedupeKeys: readonly string[]): Promise<void> {
    if (dedupeKeys.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const key of dedupeKeys) pipeline.del(replayKey(this.keys, key));
    await pipeline.exec();
  }

  async release(dedupeKey: string): Promise<void> {
    await this.redis.del(replayKey(this.keys, dedupeKey));
  }
}
