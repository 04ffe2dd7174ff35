import type { RedisClient } from './redis-client.js';
import type { RedisKeys } from './redis-keys.js';

/** PagerDuty retries a delivery for up to 48 hours: remember each one a little longer. */
const DEFAULT_TTL_SECONDS = 72 * 3600;

/**
 * Remembers inbound webhook deliveries (PagerDuty's `X-Webhook-Id`, or the event id) so a redelivered one
 * is acknowledged without acting again: `claim` is one `SET NX EX`, true for the first delivery only.
 * `release` forgets a claim whose work could not be queued, so PagerDuty's retry is taken.
 */
export class RedisDeliveryDedupe {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly ttlSeconds = DEFAULT_TTL_SECONDS,
  ) {}

  async claim(dedupeKey: string): Promise<boolean> {
    const set = await this.redis.set(
      this.keys.pagerDutyDelivery(dedupeKey),
      '1',
      'EX',
      this.ttlSeconds,
      'NX',
    );
    return set === 'OK';
  }

  /** `claim` for many deliveries in one round trip (a pipeline), in order. */
  async claimMany(dedupeKeys: readonly string[]): Promise<boolean[]> {
    const pipeline = this.redis.pipeline();
    for (const key of dedupeKeys)
      pipeline.set(this.keys.pagerDutyDelivery(key), '1', 'EX', this.ttlSeconds, 'NX');
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
    for (const key of dedupeKeys) pipeline.del(this.keys.pagerDutyDelivery(key));
    await pipeline.exec();
  }

  async release(dedupeKey: string): Promise<void> {
    await this.redis.del(this.keys.pagerDutyDelivery(dedupeKey));
  }
}
