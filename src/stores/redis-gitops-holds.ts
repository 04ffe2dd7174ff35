import type { Logger } from '../observability/logger.js';
import type { GitopsHold, GitopsHolds } from '../rollback/ports/gitops-holds.js';
import { GITOPS_HOLD_RECORD } from './records/gitops-hold-record.js';
import type { RedisClient } from './redis-client.js';
import type { RedisKeys } from './redis-keys.js';
import { encodeRecord, MalformedRecords, readStoredRecord } from './stored-record.js';

/** One key per service holding its GitOps hold as a versioned JSON record, until a release restores it. */
export class RedisGitopsHolds implements GitopsHolds {
  private readonly malformed: MalformedRecords;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    log?: Logger,
  ) {
    this.malformed = new MalformedRecords(log);
  }

  async set(hold: GitopsHold): Promise<void> {
    await this.redis.set(this.keys.gitopsHold(hold.service), encodeRecord(GITOPS_HOLD_RECORD, hold));
  }

  async get(service: string): Promise<GitopsHold | undefined> {
    const key = this.keys.gitopsHold(service);
    return readStoredRecord(GITOPS_HOLD_RECORD, key, await this.redis.get(key), this.malformed);
  }

  async remove(service: string): Promise<void> {
    await this.redis.del(this.keys.gitopsHold(service));
  }
}
