import type { LockResult, ServiceLocks } from '../rollback/ports/rollback-queue.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-client.js';

/** A safety net: a lock whose job vanished (queue flushed by hand) frees itself after a day. */
const LOCK_TTL_SECONDS = 24 * 3600;

/** The job that already holds the lock acquires it again: an acquire sent again after a timeout wins. */
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return {1, ARGV[1]} end
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return {1, ARGV[1]} end
return {0, holder}
`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * One rollback per service: `SET NX` is atomic, so of two simultaneous requests (two job ids) exactly one
 * wins; the same job id acquiring again is told it holds the lock.
 */
export class RedisServiceLocks implements ServiceLocks {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async acquire(service: string, jobId: string): Promise<LockResult> {
    const [won, holder] = (await this.redis.eval(
      ACQUIRE,
      1,
      this.keys.serviceLock(service),
      jobId,
      String(LOCK_TTL_SECONDS),
    )) as [number, string];
    return won === 1 ? { acquired: true } : { acquired: false, holderJobId: holder };
  }

  async release(service: string, jobId: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.keys.serviceLock(service), jobId);
  }

  async holder(service: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.serviceLock(service))) ?? undefined;
  }
}
