import type { RedisClient } from './redis-client.js';
import type { RedisKeys } from './redis-keys.js';

const TTL_SECONDS = 30 * 24 * 3600;
const JOB_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Which rollbacks were requested for an incident, so its resolution can remind of the post-mortem. */
export class RedisIncidentRollbacks {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async add(incidentId: string, jobId: string): Promise<void> {
    const key = this.keys.incidentRollbacks(incidentId);
    await this.redis.multi().sadd(key, jobId).expire(key, TTL_SECONDS).exec();
  }

  /** Job ids, in no particular order; anything that is not a job id is skipped. */
  async list(incidentId: string): Promise<string[]> {
    const members = await this.redis.smembers(this.keys.incidentRollbacks(incidentId));
    return members.filter((member) => JOB_ID.test(member)).sort();
  }
}
