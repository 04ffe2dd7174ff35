import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Catalog } from '../../src/config/catalog.js';
import { serviceSchema, type ServiceConfig } from '../../src/config/service-schema.js';
import { silentLogger } from '../../src/observability/logger.js';
import { ApprovalExpiryQueue } from '../../src/queue/approval-expiry-queue.js';
import { BullmqRollbackQueue, ROLLBACK_QUEUE } from '../../src/queue/bullmq-rollback-queue.js';
import { RedisApprovalStore } from '../../src/stores/redis-approval-store.js';
import { RedisAuditLog } from '../../src/stores/redis-audit-log.js';
import { RedisCancellation } from '../../src/stores/redis-cancellation.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { RedisRollbackIndex } from '../../src/stores/redis-rollback-index.js';
import { RedisRolledBackMarks } from '../../src/stores/redis-rolled-back-marks.js';
import { RedisServiceLocks } from '../../src/stores/redis-service-locks.js';
import { ApprovalService } from '../../src/rollback/approval-service.js';
import { CancelService } from '../../src/rollback/cancel-service.js';
import { InputError } from '../../src/errors/rollback-error.js';
import type { RollbackPlan, RollbackRequest } from '../../src/rollback/plan.js';
import { PermissionPolicy } from '../../src/rollback/policy/permission-policy.js';
import type { AuditEntry } from '../../src/rollback/ports/audit-log.js';
import type { Requester } from '../../src/rollback/progress-snapshot.js';
import { RollbackService } from '../../src/rollback/rollback-service.js';
import { StaleLockRecovery } from '../../src/rollback/stale-lock-recovery.js';
import type { RollbackStep } from '../../src/rollback/step.js';
import type { ResolvedPlan, Strategy, VersionEntry } from '../../src/rollback/strategy.js';
import { kaizenService } from './kaizen-service.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from './redis-test-prefix.js';

/**
 * The rollback domain's services (RollbackService, ApprovalService, CancelService) wired the way
 * `main/build-rollback-core.ts` wires them, over the real Redis stores and BullMQ queues under a key
 * prefix of the test's own, with an in-test strategy and a clock the test moves. No worker runs: a job
 * that is enqueued stays waiting in the queue, where the test can see it.
 */

export const ALICE: Requester = { id: 'U0ALICE', name: 'alice', source: 'slack' };
export const BOB: Requester = { id: 'U0BOB', name: 'bob', source: 'slack' };
export const CAROL: Requester = { id: 'U0CAROL', name: 'carol', source: 'slack' };
export const DAVE: Requester = { id: 'U0DAVE', name: 'dave', source: 'slack' };
export const MALLORY: Requester = { id: 'U0MALLORY', name: 'mallory', source: 'slack' };

const CONNECTION = { host: '127.0.0.1', port: 6379 };

/** A service of the catalog on the kaizen Deployment (the in-test strategy below rolls it back). */
export function testService(name: string, extra: Record<string, unknown> = {}): ServiceConfig {
  return serviceSchema.parse(kaizenService('60s', { name, ...extra }));
}

/** Time that only moves when the test says so. */
export class TestClock {
  ms = Date.now();
  readonly now = (): Date => new Date(this.ms);
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/**
 * A `Strategy` (the port the domain declares) over a list of image tags: "previous" is the tag after the
 * current one, an unknown tag is an InputError that names the known ones, and its steps are titled
 * "Set image" and "Verify rollout". Set `versionsFailure` to make `listVersions` throw it.
 */
export class TagStrategy implements Strategy {
  readonly name = 'kubernetes';
  readonly tags = ['v0.8.0', 'v0.7.0', 'v0.6.0'];
  versionsFailure: unknown;

  supports(service: ServiceConfig): boolean {
    return service.kubernetes !== undefined;
  }

  async listVersions(): Promise<VersionEntry[]> {
    if (this.versionsFailure !== undefined) throw this.versionsFailure;
    return this.tags.map((tag, i) => ({
      id: tag,
      description: `kaizen:${tag}`,
      ...(i === 0 ? { current: true } : {}),
    }));
  }

  async resolve(service: ServiceConfig, request: RollbackRequest): Promise<ResolvedPlan> {
    const to = request.version ?? (this.tags[1] as string);
    if (!this.tags.includes(to)) {
      throw new InputError('unknown_version', `${service.name} has no version "${to}".`, {
        hint: `Versions: ${this.tags.join(', ')}.`,
      });
    }
    return {
      from: this.tags[0] as string,
      to,
      target: { image: `kaizen:${to}` },
      actions: [{ target: 'cluster default', description: `set image kaizen=kaizen:${to}` }],
    };
  }

  steps(): RollbackStep[] {
    return [
      { id: 'set-image', title: 'Set image', interruptible: false, run: async () => ({ summary: 'set' }) },
      { id: 'verify', title: 'Verify rollout', run: async () => undefined },
    ];
  }
}

export interface RollbackDomain {
  prefix: string;
  redis: Redis;
  keys: RedisKeys;
  clock: TestClock;
  strategy: TagStrategy;
  progress: RedisProgressStore;
  locks: StaleLockRecovery;
  index: RedisRollbackIndex;
  audit: RedisAuditLog;
  approvalStore: RedisApprovalStore;
  marks: RedisRolledBackMarks;
  cancellation: RedisCancellation;
  queue: BullmqRollbackQueue;
  expiry: ApprovalExpiryQueue;
  approvals: ApprovalService;
  rollbacks: RollbackService;
  cancels: CancelService;
  /** The audit entries of one job, oldest first. */
  auditOf(jobId: string): Promise<AuditEntry[]>;
  /** The BullMQ state of a job ("waiting", "active", "unknown" when it is not in the queue). */
  queueState(jobId: string): Promise<string>;
  /** Submits a rollback through the RollbackService (lock, index, snapshot, queue or approvals). */
  submit(service: string, requester: Requester, version?: string): Promise<RollbackPlan>;
  close(): Promise<void>;
}

/**
 * Builds the domain over a fresh key prefix. Close it after the test (it deletes the prefix and
 * disconnects `redis`). `redis`: the stores' connection (default: a plain one to the test Redis).
 */
export function startRollbackDomain(
  services: ServiceConfig[],
  options: { redis?: Redis } = {},
): RollbackDomain {
  const prefix = testPrefix('domain');
  const redis = options.redis ?? new Redis(TEST_REDIS_URL);
  const keys = new RedisKeys(prefix);
  const clock = new TestClock();
  const strategy = new TagStrategy();
  const catalog = new Catalog(services);
  const progress = new RedisProgressStore(redis, keys);
  const locks = new StaleLockRecovery(new RedisServiceLocks(redis, keys), progress, clock.now);
  const index = new RedisRollbackIndex(redis, keys);
  const audit = new RedisAuditLog(redis, keys);
  const approvalStore = new RedisApprovalStore(redis, keys);
  const marks = new RedisRolledBackMarks(redis, keys);
  const cancellation = new RedisCancellation(redis, keys, silentLogger(), () => redis.duplicate());
  const queue = new BullmqRollbackQueue(CONNECTION, prefix);
  const expiry = new ApprovalExpiryQueue(CONNECTION, prefix);
  const policy = new PermissionPolicy();
  const approvals = new ApprovalService({
    catalog,
    store: approvalStore,
    policy,
    progress,
    index,
    locks,
    queue,
    expiry,
    audit,
    now: clock.now,
  });
  const rollbacks = new RollbackService({
    catalog,
    strategies: new Map([[strategy.name, strategy]]),
    queue,
    locks,
    index,
    progress,
    policy,
    approvals,
    audit,
    marks,
    now: clock.now,
  });
  const cancels = new CancelService({ progress, locks, queue, signals: cancellation, audit, now: clock.now });
  return {
    prefix,
    redis,
    keys,
    clock,
    strategy,
    progress,
    locks,
    index,
    audit,
    approvalStore,
    marks,
    cancellation,
    queue,
    expiry,
    approvals,
    rollbacks,
    cancels,
    async auditOf(jobId) {
      return (await audit.list({ jobId, limit: 500 })).reverse();
    },
    queueState(jobId) {
      return queue.queue.getJobState(jobId);
    },
    async submit(service, requester, version) {
      const result = await rollbacks.submit({
        service,
        dryRun: false,
        requester,
        ...(version === undefined ? {} : { version }),
      });
      return result.plan;
    },
    async close() {
      await cancellation.close();
      await expiry.close();
      await queue.close();
      redis.disconnect();
      await deletePrefix(prefix);
    },
  };
}

/** A worker process's hold on one job: the job is active (locked) and its first step is running. */
export interface HeldJob {
  /** Lets the job end (the worker returns) and closes the worker. */
  release(): Promise<void>;
}

/**
 * Takes the next queued job with a real BullMQ worker, publishes it as running its first step, and holds
 * it until released, as a worker in another process would while it rolls the service back.
 */
export async function holdNextJob(domain: RollbackDomain): Promise<HeldJob> {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const worker = new Worker<{ plan: RollbackPlan }>(
    ROLLBACK_QUEUE,
    async (job) => {
      const snapshot = await domain.progress.get(job.data.plan.jobId);
      if (snapshot) {
        const at = domain.clock.now().toISOString();
        await domain.progress.publish({
          ...snapshot,
          version: snapshot.version + 1,
          state: 'running',
          startedAt: at,
          steps: snapshot.steps.map((s, i) => (i === 0 ? { ...s, state: 'running', startedAt: at } : s)),
        });
      }
      started();
      await finished;
    },
    { connection: CONNECTION, prefix: `${domain.prefix}:bull` },
  );
  await running;
  return {
    async release() {
      finish();
      await worker.close();
    },
  };
}
