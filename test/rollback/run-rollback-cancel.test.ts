import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { RedisJobMemory } from '../../src/stores/redis-job-memory.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import type { RollbackPlan } from '../../src/rollback/plan.js';
import type { CancelRequest } from '../../src/rollback/ports/cancellation.js';
import { runRollback } from '../../src/rollback/run-rollback.js';
import type { RollbackStep } from '../../src/rollback/step.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';
import { TEST_SERVICE, testPlan } from '../support/test-plan.js';

const prefix = testPrefix('runner-cancel');
const redis = new Redis(TEST_REDIS_URL);
const keys = new RedisKeys(prefix);
const store = new RedisProgressStore(redis, keys);
const service = TEST_SERVICE;
const bob: CancelRequest = {
  by: { id: 'U0BOB', name: 'bob', source: 'slack' },
  at: '2026-01-01T00:00:00.000Z',
};
let counter = 0;

function plan(ids: string[]): RollbackPlan {
  counter += 1;
  return testPlan(`kaizen-cancel-${counter}`, ids);
}

function run(
  p: RollbackPlan,
  steps: RollbackStep[],
  signal: AbortSignal,
  cancelRequested?: () => Promise<CancelRequest | undefined>,
) {
  return runRollback({
    plan: p,
    service,
    steps,
    progress: store,
    memory: new RedisJobMemory(redis, keys, p.jobId),
    log: silentLogger(),
    signal,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 10 },
    ...(cancelRequested ? { cancelRequested } : {}),
  });
}

afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

describe('runRollback cancel', () => {
  it('lets a non-interruptible step (a change) finish with a live signal, reports it done, runs nothing after', async () => {
    const controller = new AbortController();
    const ran: string[] = [];
    let signalSeenByChange: boolean | undefined;
    const final = await run(
      plan(['read', 'change', 'watch']),
      [
        { id: 'read', title: 'Step read', run: async () => void ran.push('read') },
        {
          id: 'change',
          title: 'Step change',
          interruptible: false,
          run: async (ctx) => {
            controller.abort(bob);
            await new Promise((resolve) => setTimeout(resolve, 20));
            signalSeenByChange = ctx.signal.aborted;
            ran.push('change');
            return { summary: 'image set' };
          },
        },
        { id: 'watch', title: 'Step watch', run: async () => void ran.push('watch') },
      ],
      controller.signal,
    );
    expect(signalSeenByChange).toBe(false);
    expect(ran).toEqual(['read', 'change']);
    expect(final.state).toBe('cancelled');
    expect(final.steps.map((s) => s.state)).toEqual(['done', 'done', 'skipped']);
    expect(final.cancelRequested?.by.name).toBe('bob');
    expect(final.outcome?.summary).toBe(
      'Rollback of kaizen was cancelled by bob during "Step change", which cannot be stopped half-way and finished first. ' +
        'Done: Step read, Step change (image set). Not done: Step watch. ' +
        'Nothing that was done has been undone: check the service and finish or revert by hand if needed.',
    );
  });

  it('stops at the next step boundary on the durable flag alone (a missed broadcast)', async () => {
    let flagged: CancelRequest | undefined;
    const ran: string[] = [];
    const final = await run(
      plan(['a', 'b']),
      [
        { id: 'a', title: 'Step a', run: async () => void ((flagged = bob), ran.push('a')) },
        { id: 'b', title: 'Step b', run: async () => void ran.push('b') },
      ],
      new AbortController().signal,
      async () => flagged,
    );
    expect(ran).toEqual(['a']);
    expect(final.state).toBe('cancelled');
    expect(final.steps.map((s) => s.state)).toEqual(['done', 'skipped']);
    expect(final.outcome?.summary).toContain(
      'cancelled by bob after "Step a". Done: Step a. Not done: Step b.',
    );
  });

  it('a job cancelled before its first step changes nothing and says so', async () => {
    const ran: string[] = [];
    const final = await run(
      plan(['a']),
      [{ id: 'a', title: 'Step a', run: async () => void ran.push('a') }],
      new AbortController().signal,
      async () => bob,
    );
    expect(ran).toEqual([]);
    expect(final.outcome?.summary).toBe(
      'Rollback of kaizen was cancelled by bob before it started. Done: nothing. Not done: Step a. Nothing was changed.',
    );
  });
});
