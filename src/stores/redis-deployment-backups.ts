import { z } from 'zod';
import type { DeploymentBackups } from '../rollback/ports/deployment-backups.js';
import { MEMORY } from '../rollback/strategies/kubernetes/kubernetes-step-deps.js';
import type { RedisClient } from './redis-client.js';
import { RedisJobMemory } from './redis-job-memory.js';
import type { RedisKeys } from './redis-keys.js';

/** The Deployment backups Kubernetes pre-checks wrote in their job's memory (kept 30 days). */
export class RedisDeploymentBackups implements DeploymentBackups {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  backupOf(jobId: string): Promise<string | undefined> {
    return new RedisJobMemory(this.redis, this.keys, jobId).get(MEMORY.backup, z.string());
  }
}
