import type { Logger } from '../observability/logger.js';
import type { RollbackPlan } from '../rollback/plan.js';
import type { RollbackIndex } from '../rollback/ports/rollback-queue.js';
import type { RedisKeys } from './redis-keys.js';
import { PLAN_RECORD } from './records/plan-record.js';
import { encodeRecord, MalformedRecords, readStoredRecord } from './stored-record.js';
import type { RedisClient } from './redis-client.js';

const KEEP = 500;

/** Recent rollbacks (all, and per service) as sorted sets by creation time, plus each plan. */
export class RedisRollbackIndex implements RollbackIndex {
  private readonly malformed: MalformedRecords;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    log?: Logger,
  ) {
    this.malformed = new MalformedRecords(log);
  }

  async record(plan: RollbackPlan): Promise<void> {
    const score = Date.parse(plan.createdAt);
    await this.redis
      .multi()
      .set(this.keys.plan(plan.jobId), encodeRecord(PLAN_RECORD, plan), 'EX', 90 * 24 * 3600)
      .zadd(this.keys.recent(), score, plan.jobId)
      .zremrangebyrank(this.keys.recent(), 0, -KEEP - 1)
      .zadd(this.keys.serviceHistory(plan.service), score, plan.jobId)
      .zremrangebyrank(this.keys.serviceHistory(plan.service), 0, -KEEP - 1)
      .exec();
  }

  recent(limit: number): Promise<string[]> {
    return this.redis.zrevrange(this.keys.recent(), 0, limit - 1);
  }

  forService(service: string, limit: number): Promise<string[]> {
    return this.redis.zrevrange(this.keys.serviceHistory(service), 0, limit - 1);
  }

  async plan(jobId: string): Promise<RollbackPlan | undefined> {
    const key = this.keys.plan(jobId);
    return readStoredRecord(PLAN_RECORD, key, await this.redis.get(key), this.malformed);
  }
}
