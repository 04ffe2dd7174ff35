import type { Logger } from '../observability/logger.js';
import type { RedisClient } from '../stores/redis-client.js';

export interface RedisDurability {
  /** `maxmemory-policy` (INFO memory); undefined when Redis did not say. */
  maxmemoryPolicy: string | undefined;
  /** AOF on, or RDB save points set; undefined when it could not be told (CONFIG refused by an ACL). */
  persistent: boolean | undefined;
  /** What is wrong, in words, for the log and the refusal. */
  problems: string[];
}

/** Thrown at start-up under REDIS_REQUIRE_DURABLE=true when Redis may lose or evict the bot's data. */
export class RedisNotDurableError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Redis may lose the bot's data: ${problems.join('; ')}. Configure Redis as docs/redis.md says ` +
        '(appendonly yes, maxmemory-policy noeviction), or unset REDIS_REQUIRE_DURABLE to start anyway.',
    );
    this.name = 'RedisNotDurableError';
  }
}

/** Reads what Redis says about eviction and persistence. */
export async function readRedisDurability(redis: RedisClient): Promise<RedisDurability> {
  const info = (section: string) => redis.info(section).catch(() => '');
  const field = (text: string, name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(text)?.[1]?.trim();
  const [memory, persistence] = await Promise.all([info('memory'), info('persistence')]);
  const maxmemoryPolicy = field(memory, 'maxmemory_policy');
  const aof = field(persistence, 'aof_enabled') === '1';
  let persistent: boolean | undefined = aof ? true : undefined;
  if (!aof) {
    const save = await (redis.call('CONFIG', 'GET', 'save') as Promise<string[]>).catch(() => undefined);
    persistent = save === undefined ? undefined : (save[1] ?? '').trim() !== '';
  }
  const problems: string[] = [];
  if (maxmemoryPolicy !== undefined && maxmemoryPolicy !== 'noeviction')
    problems.push(
      `maxmemory-policy is ${maxmemoryPolicy}, not noeviction (locks and queued jobs can be evicted)`,
    );
  if (persistent === false)
    problems.push(
      'persistence is off (no AOF, no RDB save points): a restart loses the queue, locks and audit',
    );
  return { maxmemoryPolicy, persistent, problems };
}

/**
 * At start-up: warns when Redis may evict or lose the bot's data, or refuses to start when `require` is
 * set (REDIS_REQUIRE_DURABLE=true). What cannot be read (CONFIG denied by an ACL) is logged, not refused.
 */
export async function checkRedisDurability(
  redis: RedisClient,
  log: Logger,
  require: boolean,
): Promise<RedisDurability> {
  const durability = await readRedisDurability(redis);
  if (durability.problems.length > 0) {
    if (require) throw new RedisNotDurableError(durability.problems);
    log.warn(
      { code: 'redis_not_durable', problems: durability.problems },
      `Redis may lose the bot's data: ${durability.problems.join('; ')}. See docs/redis.md; ` +
        'set REDIS_REQUIRE_DURABLE=true to refuse to start instead.',
    );
  } else if (durability.persistent === undefined) {
    log.info(
      { code: 'redis_persistence_unknown' },
      'could not tell whether Redis persists its data (CONFIG GET save refused); see docs/redis.md',
    );
  }
  return durability;
}
