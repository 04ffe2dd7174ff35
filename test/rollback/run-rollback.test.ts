import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { RedisJobMemory } from '../../src/stores/redis-job-memory.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { PermanentError, RetryableError } from '../../src/errors/rollback-error.js';
import type { RollbackPlan } from '../../src/rollback/plan.js';
import { runRollback } from '../../src/rollback/run-rollback.js';
import { initialSnapshot } from '../../src/rollback/snapshot-tracker.js';
import type { RollbackStep } from '../../src/rollback/step.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';
import { TEST_SERVICE, testPlan } from '../support/test-plan.js';

const prefix = testPrefix('runner');
const redis = new Redis(TEST_REDIS_URL);
const keys = new RedisKeys(prefix);
const store = new RedisProgressStore(redis, keys);
const service = TEST_SERVICE;
const fastRetry = { attempts: 3, baseDelayMs: 5, maxDelayMs: 10 };
let counter = 0;

function plan(stepIds: string[]): RollbackPlan {
  counter += 1;
  return testPlan(`kaizen-test-${counter}`, stepIds);
}

function step(id: string, run: RollbackStep['run']): RollbackStep {
  return { id, title: `Step ${id}`, run };
}

async function run(p: RollbackPlan, steps: RollbackStep[], signal = new AbortController().signal) {
  return runRollback({
    plan: p,
    service,
    steps,
    progress: store,
    memory: new RedisJobMemory(redis, keys, p.jobId),
    log: silentLogger(),
    signal,
    retry: fastRetry,
    checklists: (outcome) => [
      { id: 'after', title: `after ${outcome}`, items: [{ id: 'check', text: 'check' }] },
    ],
  });
}

afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

describe('runRollback', () => {
  let ran: string[];
  beforeEach(() => {
    ran = [];
  });

  it('runs every step in order and publishes a succeeded snapshot with the outcome', async () => {
    const p = plan(['a', 'b']);
    const final = await run(p, [
      step('a', async (ctx) => {
        ran.push('a');
        await ctx.detail('3/3 pods ready');
        return { summary: 'saw 3 pods' };
      }),
      step('b', async () => {
        ran.push('b');
        return { skipped: true, summary: 'nothing to do' };
      }),
    ]);
    expect(ran).toEqual(['a', 'b']);
    expect(final.state).toBe('succeeded');
    expect(final.steps.map((s) => [s.id, s.state, s.summary])).toEqual([
      ['a', 'done', 'saw 3 pods'],
      ['b', 'skipped', 'nothing to do'],
    ]);
    expect(final.outcome?.summary).toMatch(/^Rolled back kaizen from v0\.8\.0 to v0\.7\.0 in \d+ s$/);
    expect(final.details.map((d) => d.text)).toEqual(['3/3 pods ready']);
    expect(final.checklists[0]?.title).toBe('after succeeded');
    const stored = await store.get(p.jobId);
    expect(stored).toEqual(final);
  });

  it('lets a step act only once its start is stored and audited after the end of the step before it, even when storing is slow', async () => {
    const p = plan(['a', 'b', 'c']);
    const slow = {
      get: (jobId: string) => store.get(jobId),
      publish: async (snapshot: Parameters<typeof store.publish>[0]) => {
        await new Promise((resolve) => setTimeout(resolve, 15));
        await store.publish(snapshot);
      },
    };
    const audited: string[] = [];
    const seen: string[] = [];
    const acting = (id: string) => async () => {
      const stored = await store.get(p.jobId);
      seen.push(`${id}: ${stored?.steps.map((x) => x.state).join(' ') ?? 'nothing stored'}`);
      seen.push(`${id}: audited ${audited.join(', ')}`);
    };
    const final = await runRollback({
      plan: p,
      service,
      steps: [step('a', acting('a')), step('b', acting('b')), step('c', acting('c'))],
      progress: slow,
      memory: new RedisJobMemory(redis, keys, p.jobId),
      log: silentLogger(),
      signal: new AbortController().signal,
      retry: fastRetry,
      audit: {
        append: async (entry) => void audited.push(`${entry.type} ${entry.detail ?? ''}`.trim()),
        list: async () => [],
      },
    });
    expect(seen).toEqual([
      'a: running pending pending',
      'a: audited step_started a',
      'b: done running pending',
      'b: audited step_started a, step_ended a: done, step_started b',
      'c: done done running',
      'c: audited step_started a, step_ended a: done, step_started b, step_ended b: done, step_started c',
    ]);
    expect(final.state).toBe('succeeded');
    expect(await store.get(p.jobId)).toEqual(final);
    expect(audited.slice(-2).map((line) => line.split(' ')[0])).toEqual(['step_ended', 'succeeded']);
  });

  it('retries a step that fails for a transient reason and says so in the thread', async () => {
    let attempts = 0;
    const final = await run(plan(['flaky']), [
      step('flaky', async () => {
        attempts += 1;
        if (attempts < 3) throw new RetryableError('kubernetes_unavailable', 'API answered 503');
      }),
    ]);
    expect(attempts).toBe(3);
    expect(final.state).toBe('succeeded');
    expect(
      final.details.filter((d) => /^Attempt \d failed \(API answered 503\); retrying/.test(d.text)),
    ).toHaveLength(2);
  });

  it('fails at a step a human must act on: reason, hint and details reported, later steps not run', async () => {
    const final = await run(plan(['monitor', 'verify']), [
      step('monitor', async () => {
        throw new PermanentError('rollout_failed', 'deployment "kaizen" exceeded its progress deadline', {
          hint: 'Check the Deployment events',
          details: ['Warning BackOff pod kaizen-abc: Back-off restarting failed container'],
        });
      }),
      step('verify', async () => {
        ran.push('verify');
      }),
    ]);
    expect(ran).toEqual([]);
    expect(final.state).toBe('failed');
    expect(final.steps.map((s) => s.state)).toEqual(['failed', 'skipped']);
    expect(final.steps[0]?.error).toEqual({
      code: 'rollout_failed',
      message: 'deployment "kaizen" exceeded its progress deadline',
      hint: 'Check the Deployment events',
    });
    expect(final.outcome?.summary).toContain('failed at step "Step monitor"');
    expect(final.details.map((d) => d.text)).toContain(
      'Warning BackOff pod kaizen-abc: Back-off restarting failed container',
    );
  });

  it('resumes after a crash: done steps are not run again, the interrupted one is', async () => {
    const p = plan(['a', 'b', 'c']);
    const crashed = initialSnapshot(p, 'running');
    crashed.version = 5;
    crashed.steps[0]!.state = 'done';
    crashed.steps[1]!.state = 'running';
    await store.publish(crashed);
    const final = await run(p, [
      step('a', async () => void ran.push('a')),
      step('b', async () => void ran.push('b')),
      step('c', async () => void ran.push('c')),
    ]);
    expect(ran).toEqual(['b', 'c']);
    expect(final.state).toBe('succeeded');
    expect(final.version).toBeGreaterThan(5);
  });

  it('stops at the next safe point when cancelled and reports what was and was not done', async () => {
    const controller = new AbortController();
    const final = await run(
      plan(['a', 'b', 'c']),
      [
        step('a', async () => void ran.push('a')),
        step('b', async () => {
          ran.push('b');
          controller.abort('cancelled by bob');
        }),
        step('c', async () => void ran.push('c')),
      ],
      controller.signal,
    );
    expect(ran).toEqual(['a', 'b']);
    expect(final.state).toBe('cancelled');
    expect(final.steps.map((s) => s.state)).toEqual(['done', 'cancelled', 'skipped']);
    expect(final.outcome?.summary).toContain('Done: Step a. Not done: Step c.');
  });

  it('never overwrites a newer snapshot with an older one', async () => {
    const p = plan(['a']);
    const newer = { ...initialSnapshot(p), version: 10, from: 'newer' };
    await store.publish(newer);
    await store.publish({ ...initialSnapshot(p), version: 3, from: 'older' });
    expect((await store.get(p.jobId))?.from).toBe('newer');
  });

  it('goes on when publishing progress fails for a while (Redis blip): the final snapshot is stored', async () => {
    const p = plan(['a', 'b']);
    let failures = 0;
    const flaky = {
      publish: async (snapshot: Parameters<typeof store.publish>[0]) => {
        if (failures < 2) {
          failures += 1;
          throw new Error('connection lost');
        }
        await store.publish(snapshot);
      },
      get: (jobId: string) => store.get(jobId),
    };
    const final = await runRollback({
      plan: p,
      service,
      steps: [step('a', async () => void ran.push('a')), step('b', async () => void ran.push('b'))],
      progress: flaky,
      memory: new RedisJobMemory(redis, keys, p.jobId),
      log: silentLogger(),
      signal: new AbortController().signal,
      retry: fastRetry,
    });
    expect(ran).toEqual(['a', 'b']);
    expect(final.state).toBe('succeeded');
    expect((await store.get(p.jobId))?.state).toBe('succeeded');
  });
});
