import { RetryableError } from '../rollback/errors.js';
import type { JobMemory } from '../rollback/step.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-client.js';

const MEMORY_TTL_SECONDS = 30 * 24 * 3600;

/** A job's durable memory: a Redis hash of JSON values, so a resumed job knows what was already done. */
export class RedisJobMemory implements JobMemory {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly jobId: string,
  ) {}

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const raw = await unavailableIsRetryable(() => this.redis.hget(this.keys.memory(this.jobId), key));
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown): Promise<void> {
    const hash = this.keys.memory(this.jobId);
    await unavailableIsRetryable(() =>
      this.redis.multi().hset(hash, key, JSON.stringify(value)).expire(hash, MEMORY_TTL_SECONDS).exec(),
    );
  }
}

/** A step whose memory could not be read or written is retried (the step checks state before acting). */
async function unavailableIsRetryable<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw new RetryableError('redis_unavailable', 'Redis did not answer while recording the step', {
      cause: error,
    });
  }
}
