import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.js';
import { serviceSchema } from '../../src/config/service-schema.js';
import { silentLogger } from '../../src/observability/logger.js';
import { RedisJobMemory } from '../../src/stores/redis-job-memory.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { RedisServiceLocks } from '../../src/stores/redis-service-locks.js';
import { JobAbandonedError } from '../../src/errors/rollback-error.js';
import { newJobId } from '../../src/rollback/new-job-id.js';
import type { RollbackPlan } from '../../src/rollback/plan.js';
import type { Checklist } from '../../src/rollback/progress-snapshot.js';
import { RollbackExecutor } from '../../src/rollback/rollback-executor.js';
import { RollbackPlanner } from '../../src/rollback/rollback-planner.js';
import { Runbooks } from '../../src/rollback/runbooks.js';
import { initialSnapshot } from '../../src/rollback/snapshot-tracker.js';
import type { Strategy } from '../../src/rollback/strategy.js';
import { LocalCommandRunner } from '../../src/targets/shell/local-command-runner.js';
import { kaizenService } from '../support/kaizen-service.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';
import { testPlan } from '../support/test-plan.js';

const prefix = testPrefix('executor');
const redis = new Redis(TEST_REDIS_URL);
const keys = new RedisKeys(prefix);
const progress = new RedisProgressStore(redis, keys);
const locks = new RedisServiceLocks(redis, keys);
const nodeExit = (code: number) => [process.execPath, '-e', `process.exit(${code})`];

let ran: string[];

/** A kubernetes strategy of two steps that record that they ran. */
const twoSteps: Strategy = {
  name: 'kubernetes',
  supports: () => true,
  listVersions: async () => [],
  resolve: async () => ({ from: 'v0.8.0', to: 'v0.7.0', target: { revision: 3 }, actions: [] }),
  steps: () => [
    { id: 'identify', title: 'Identify', run: async () => void ran.push('identify') },
    { id: 'rollback', title: 'Roll back', run: async () => void ran.push('rollback') },
  ],
};

/** The kaizen service, with a database compatibility guard that exits with `guardExit` when given. */
function catalog(guardExit?: number): Catalog {
  const guards =
    guardExit === undefined ? {} : { guards: { databaseCompatibility: { command: nodeExit(guardExit) } } };
  return new Catalog([serviceSchema.parse(kaizenService('60s', guards))]);
}

function executor(
  options: { catalog?: Catalog; strategies?: Map<string, Strategy>; checklists?: string[] } = {},
) {
  const seen = options.checklists;
  return new RollbackExecutor({
    catalog: options.catalog ?? catalog(),
    strategies: options.strategies ?? new Map([['kubernetes', twoSteps]]),
    guardRunner: new LocalCommandRunner(),
    progress,
    locks,
    memory: (jobId) => new RedisJobMemory(redis, keys, jobId),
    log: silentLogger(),
    checklists: (strategy, outcome): Checklist[] => {
      seen?.push(`${strategy}:${outcome}`);
      return [];
    },
  });
}

/** A plan as the planner makes it (guards first), accepted: the service locked, its first snapshot stored. */
async function accepted(from: Catalog): Promise<RollbackPlan> {
  const planner = new RollbackPlanner({
    catalog: from,
    runbooks: new Runbooks(new Map([['kubernetes', twoSteps]])),
    now: () => new Date(),
  });
  const plan = await planner.plan({
    service: 'kaizen',
    dryRun: false,
    requester: { id: 'U1', name: 'alice', source: 'slack' },
  });
  await acceptPlan(plan);
  return plan;
}

async function acceptPlan(plan: RollbackPlan): Promise<void> {
  expect(await locks.acquire(plan.service, plan.jobId)).toEqual({ acquired: true });
  await progress.publish(initialSnapshot(plan));
}

const run = () => ({ signal: new AbortController().signal });

beforeEach(async () => {
  ran = [];
  await redis.del(keys.serviceLock('kaizen'));
});

afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

describe('RollbackExecutor', () => {
  it('runs the steps the plan lists, guards first, then frees the service', async () => {
    const seen: string[] = [];
    const plan = await accepted(catalog(0));
    expect(plan.steps.map((s) => s.id)).toEqual(['guard-database', 'identify', 'rollback']);
    const outcome = await executor({ catalog: catalog(0), checklists: seen }).execute(plan, run());
    expect(outcome.kind).toBe('ended');
    const snapshot = outcome.kind === 'ended' ? outcome.snapshot : undefined;
    expect(snapshot?.state).toBe('succeeded');
    expect(snapshot?.steps.map((s) => [s.id, s.state])).toEqual([
      ['guard-database', 'done'],
      ['identify', 'done'],
      ['rollback', 'done'],
    ]);
    expect(ran).toEqual(['identify', 'rollback']);
    expect(seen).toEqual(['kubernetes:succeeded']);
    expect(await locks.holder('kaizen')).toBeUndefined();
  });

  it('stops before any change when the guard refuses, ends failed and frees the service', async () => {
    const plan = await accepted(catalog(3));
    const outcome = await executor({ catalog: catalog(3) }).execute(plan, run());
    const snapshot = outcome.kind === 'ended' ? outcome.snapshot : undefined;
    expect(snapshot?.state).toBe('failed');
    expect(snapshot?.outcome?.error?.code).toBe('database_incompatible');
    expect(snapshot?.steps.map((s) => s.state)).toEqual(['failed', 'skipped', 'skipped']);
    expect(ran).toEqual([]);
    expect(await locks.holder('kaizen')).toBeUndefined();
  });

  it('ends a plan whose service left the catalog as failed, says why, and frees the service', async () => {
    const plan = await accepted(catalog());
    const outcome = await executor({ catalog: new Catalog([]) }).execute(plan, run());
    expect(outcome).toMatchObject({ kind: 'not_run', error: { code: 'unknown_service' } });
    const snapshot = await progress.get(plan.jobId);
    expect(snapshot?.state).toBe('failed');
    expect(snapshot?.outcome?.summary).toMatch(/^Rollback of kaizen could not run: /);
    expect(snapshot?.steps.every((s) => s.state === 'skipped')).toBe(true);
    expect(await locks.holder('kaizen')).toBeUndefined();
  });

  it('ends a plan whose strategy this worker lacks as failed, and frees the service', async () => {
    const plan = await accepted(catalog());
    const outcome = await executor({ strategies: new Map() }).execute(plan, run());
    expect(outcome).toMatchObject({
      kind: 'not_run',
      error: { code: 'strategy_unavailable', message: 'strategy kubernetes is not available on this worker' },
    });
    expect((await progress.get(plan.jobId))?.state).toBe('failed');
    expect(ran).toEqual([]);
    expect(await locks.holder('kaizen')).toBeUndefined();
  });

  it('abandoned: throws at once and leaves the snapshot and the lock to the worker that owns the job', async () => {
    const plan = await accepted(catalog());
    const controller = new AbortController();
    controller.abort(new JobAbandonedError(plan.jobId));
    const error = await executor()
      .execute(plan, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobAbandonedError);
    expect(ran).toEqual([]);
    expect((await progress.get(plan.jobId))?.state).toBe('running');
    expect(await locks.holder('kaizen')).toBe(plan.jobId);
  });

  it('failUnrun marks a job the queue gave up on failed, keeps a rollback that already ended, frees both', async () => {
    const stuck = testPlan(newJobId('kaizen'), ['rollback']);
    await acceptPlan(stuck);
    const error = { code: 'job_failed', message: 'job stalled more than allowable limit' };
    await executor().failUnrun(stuck, error);
    expect((await progress.get(stuck.jobId))?.outcome).toEqual({
      summary: 'Rollback of kaizen could not run: job stalled more than allowable limit',
      error,
    });
    expect(await locks.holder('kaizen')).toBeUndefined();

    const ended = testPlan(newJobId('kaizen'), ['rollback']);
    expect(await locks.acquire('kaizen', ended.jobId)).toEqual({ acquired: true });
    const succeeded = { ...initialSnapshot(ended, 'succeeded'), version: 4 };
    await progress.publish(succeeded);
    await executor().failUnrun(ended, error);
    expect(await progress.get(ended.jobId)).toEqual(succeeded);
    expect(await locks.holder('kaizen')).toBeUndefined();
  });
});
