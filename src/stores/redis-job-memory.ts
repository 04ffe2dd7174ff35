import type { ZodType } from 'zod';
import { PermanentError, RetryableError } from '../errors/rollback-error.js';
import type { JobMemory } from '../rollback/step.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-client.js';

const MEMORY_TTL_SECONDS = 30 * 24 * 3600;

/** The version of the envelope `{ schemaVersion, value }` each value is written in. */
const MEMORY_SCHEMA_VERSION = 1;

/**
 * A job's durable memory: a Redis hash of JSON values, so a resumed job knows what was already done.
 * Each value is written as `{ schemaVersion: 1, value }`; one written before versions existed is the bare
 * value (version 0). Read back, the value is checked with the caller's schema. Unlike snapshots, a value
 * that does not parse is not treated as missing: memory exists so that a resumed step does not repeat a
 * change, so the step fails plainly (`job_memory_unreadable`) rather than guess.
 */
export class RedisJobMemory implements JobMemory {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly jobId: string,
  ) {}

  async get<T>(key: string, schema: ZodType<T>): Promise<T | undefined> {
    const raw = await unavailableIsRetryable(() => this.redis.hget(this.keys.memory(this.jobId), key));
    if (raw === null) return undefined;
    const parsed = schema.safeParse(unwrap(raw));
    if (parsed.success) return parsed.data;
    throw new PermanentError(
      'job_memory_unreadable',
      `What an earlier attempt of ${this.jobId} recorded as "${key}" cannot be read; the step stops rather than guess what was done.`,
      {
        cause: parsed.error,
        hint: 'Check the service by hand (the status message lists what ran), then start a new rollback if it is still needed.',
      },
    );
  }

  async set(key: string, value: unknown): Promise<void> {
    const hash = this.keys.memory(this.jobId);
    const record = JSON.stringify({ schemaVersion: MEMORY_SCHEMA_VERSION, value });
    await unavailableIsRetryable(() =>
      this.redis.multi().hset(hash, key, record).expire(hash, MEMORY_TTL_SECONDS).exec(),
    );
  }
}

/** The stored value: inside its envelope, or bare (version 0). Not JSON: undefined, which no schema here accepts. */
function unwrap(raw: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const envelope = parsed as { schemaVersion?: unknown; value?: unknown } | null;
  const isEnvelope =
    typeof envelope === 'object' &&
    envelope !== null &&
    typeof envelope.schemaVersion === 'number' &&
    'value' in envelope &&
    Object.keys(envelope).length === 2;
  return isEnvelope ? envelope.value : parsed;
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
