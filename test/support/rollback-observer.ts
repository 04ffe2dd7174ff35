import { Redis } from 'ioredis';
import { RedisAuditLog } from '../../src/stores/redis-audit-log.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import type { AuditEntry } from '../../src/rollback/ports/audit-log.js';
import type { ProgressSnapshot } from '../../src/rollback/progress-snapshot.js';
import { TEST_REDIS_URL } from './redis-test-prefix.js';

/** Reads what the bot stored under a prefix (snapshots, audit) the way other tools would, from Redis. */
export class RollbackObserver {
  readonly redis = new Redis(TEST_REDIS_URL);
  readonly keys: RedisKeys;
  readonly progress: RedisProgressStore;
  readonly audit: RedisAuditLog;

  constructor(prefix: string) {
    this.keys = new RedisKeys(prefix);
    this.progress = new RedisProgressStore(this.redis, this.keys);
    this.audit = new RedisAuditLog(this.redis, this.keys);
  }

  snapshot(jobId: string): Promise<ProgressSnapshot | undefined> {
    return this.progress.get(jobId);
  }

  async waitFor(
    jobId: string,
    predicate: (s: ProgressSnapshot) => boolean,
    timeoutMs = 20_000,
  ): Promise<ProgressSnapshot> {
    const started = Date.now();
    for (;;) {
      const snapshot = await this.snapshot(jobId);
      if (snapshot && predicate(snapshot)) return snapshot;
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `timed out waiting for ${jobId}; last snapshot: ${JSON.stringify(snapshot?.steps.map((s) => [s.id, s.state]))} ${snapshot?.state}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  }

  /** Oldest first. */
  async auditOf(jobId: string): Promise<AuditEntry[]> {
    return (await this.audit.list({ jobId, limit: 500 })).reverse();
  }

  close(): void {
    this.redis.disconnect();
  }
}

export function jobIdOf(text: string | undefined): string {
  const id = /job (kaizen-[a-z0-9-]+)/.exec(text ?? '')?.[1];
  if (!id) throw new Error(`no job id in: ${text}`);
  return id;
}

export function stepStates(snapshot: ProgressSnapshot): Record<string, string> {
  return Object.fromEntries(snapshot.steps.map((s) => [s.id, s.state]));
}

export { blocksText } from './blocks-text.js';
