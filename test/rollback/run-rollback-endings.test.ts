import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { RedisJobMemory } from '../../src/stores/redis-job-memory.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { JobAbandonedError, PermanentError, RetryableError } from '../../src/errors/rollback-error.js';
import { GuardRefusedError } from '../../src/rollback/guards/guard-refused-error.js';
import type { RollbackPlan } from '../../src/rollback/plan.js';
import type { AuditEntry, AuditLog } from '../../src/rollback/ports/audit-log.js';
import type { CancelRequest } from '../../src/rollback/ports/cancellation.js';
import { initialSnapshot } from '../../src/rollback/snapshot-tracker.js';
import { runRollback } from '../../src/rollback/run-rollback.js';
import type { RollbackStep } from '../../src/rollback/step.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';
import { TEST_SERVICE, testPlan } from '../support/test-plan.js';

const prefix = testPrefix('runner-endings');
const redis = new Redis(TEST_REDIS_URL);
const keys = new RedisKeys(prefix);
const store = new RedisProgressStore(redis, keys);
const bob: CancelRequest = {
  by: { id: 'U0BOB', name: 'bob', source: 'slack' },
  at: '2026-01-01T00:00:00.000Z',
};
let counter = 0;

function plan(ids: string[]): RollbackPlan {
  counter += 1;
  return testPlan(`kaizen-endings-${counter}`, ids);
}

/** An audit log that notes, for every entry, the state of the snapshot stored when it was appended. */
class RecordingAudit implements AuditLog {
  readonly entries: (AuditEntry & { storedState: string | undefined })[] = [];
  async append(entry: AuditEntry): Promise<void> {
    const stored = await store.get(entry.jobId ?? '');
    this.entries.push({ ...entry, storedState: stored?.state });
  }
  async list(): Promise<AuditEntry[]> {
    return this.entries;
  }
  types(): string[] {
    return this.entries.map((e) => e.type);
  }
}

function run(
  p: RollbackPlan,
  steps: RollbackStep[],
  options: {
    signal?: AbortSignal;
    audit?: AuditLog;
    cancelRequested?: () => Promise<CancelRequest | undefined>;
  } = {},
) {
  return runRollback({
    plan: p,
    service: TEST_SERVICE,
    steps,
    progress: store,
    memory: new RedisJobMemory(redis, keys, p.jobId),
    log: silentLogger(),
    signal: options.signal ?? new AbortController().signal,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 10 },
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.cancelRequested ? { cancelRequested: options.cancelRequested } : {}),
  });
}

afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

describe('runRollback endings', () => {
  it('leaves a rollback that already ended as it is: no step runs, nothing is published', async () => {
    const p = plan(['a']);
    const ended = { ...initialSnapshot(p, 'succeeded'), version: 7 };
    await store.publish(ended);
    const ran: string[] = [];
    const final = await run(p, [{ id: 'a', title: 'Step a', run: async () => void ran.push('a') }]);
    expect(ran).toEqual([]);
    expect(final).toEqual(ended);
    expect((await store.get(p.jobId))?.version).toBe(7);
  });

  it('writes the outcome to the audit log before it publishes the final snapshot (succeeded)', async () => {
    const p = plan(['a']);
    const audit = new RecordingAudit();
    const final = await run(p, [{ id: 'a', title: 'Step a', run: async () => undefined }], { audit });
    expect(audit.types()).toEqual(['step_started', 'step_ended', 'succeeded']);
    expect(audit.entries.at(-1)).toMatchObject({
      actor: { id: 'worker' },
      detail: final.outcome?.summary,
      storedState: 'running',
    });
    expect((await store.get(p.jobId))?.state).toBe('succeeded');
  });

  it('audits a guard refusal, then the failure, before the failed snapshot is published', async () => {
    const p = plan(['guard-database', 'rollback']);
    const audit = new RecordingAudit();
    const ran: string[] = [];
    const final = await run(
      p,
      [
        {
          id: 'guard-database',
          title: 'Check database compatibility',
          run: async () => {
            throw new GuardRefusedError('database_incompatible', 'schema 42 needs v0.8.0');
          },
        },
        { id: 'rollback', title: 'Roll back', run: async () => void ran.push('rollback') },
      ],
      { audit },
    );
    expect(ran).toEqual([]);
    expect(final.state).toBe('failed');
    expect(final.steps.map((s) => s.state)).toEqual(['failed', 'skipped']);
    expect(audit.types()).toEqual(['step_started', 'step_ended', 'guard_refused', 'failed']);
    expect(audit.entries[2]).toMatchObject({
      detail: 'guard-database: schema 42 needs v0.8.0',
      storedState: 'running',
    });
    expect(audit.entries[3]).toMatchObject({ detail: final.outcome?.summary, storedState: 'running' });
  });

  it('audits a cancel in the name of who cancelled, before the cancelled snapshot is published', async () => {
    const p = plan(['a', 'b']);
    const audit = new RecordingAudit();
    let flagged: CancelRequest | undefined;
    const final = await run(
      p,
      [
        { id: 'a', title: 'Step a', run: async () => void (flagged = bob) },
        { id: 'b', title: 'Step b', run: async () => undefined },
      ],
      { audit, cancelRequested: async () => flagged },
    );
    expect(final.state).toBe('cancelled');
    expect(audit.entries.at(-1)).toMatchObject({
      type: 'cancelled',
      actor: { id: 'U0BOB', name: 'bob', source: 'slack' },
      detail: final.outcome?.summary,
      storedState: 'running',
    });
  });

  it('audits a cancel nobody signed (a plain abort reason) as the worker', async () => {
    const controller = new AbortController();
    const audit = new RecordingAudit();
    const final = await run(
      plan(['a', 'b']),
      [
        { id: 'a', title: 'Step a', run: async () => void controller.abort('shutting down') },
        { id: 'b', title: 'Step b', run: async () => undefined },
      ],
      { audit, signal: controller.signal },
    );
    expect(final.state).toBe('cancelled');
    expect(final.steps.map((s) => s.state)).toEqual(['cancelled', 'skipped']);
    expect(final.outcome?.summary).toContain('during "Step a", which was stopped half-way');
    expect(audit.entries.at(-1)).toMatchObject({ type: 'cancelled', actor: { id: 'worker' } });
  });

  it('fails a non-interruptible step that failed for its own reason, even though a cancel arrived', async () => {
    const controller = new AbortController();
    const final = await run(
      plan(['change', 'watch']),
      [
        {
          id: 'change',
          title: 'Step change',
          interruptible: false,
          run: async () => {
            controller.abort(bob);
            throw new PermanentError('kubernetes_rejected', 'the API refused the patch');
          },
        },
        { id: 'watch', title: 'Step watch', run: async () => undefined },
      ],
      { signal: controller.signal },
    );
    expect(final.state).toBe('failed');
    expect(final.steps.map((s) => s.state)).toEqual(['failed', 'skipped']);
    expect(final.outcome?.error?.code).toBe('kubernetes_rejected');
  });

  it('cancels a non-interruptible step stopped between retries by the cancel, without retrying it', async () => {
    const controller = new AbortController();
    let attempts = 0;
    const final = await run(
      plan(['change', 'watch']),
      [
        {
          id: 'change',
          title: 'Step change',
          interruptible: false,
          run: async () => {
            attempts += 1;
            controller.abort(bob);
            throw new RetryableError('kubernetes_unavailable', 'API answered 503');
          },
        },
        { id: 'watch', title: 'Step watch', run: async () => undefined },
      ],
      { signal: controller.signal },
    );
    expect(attempts).toBe(1);
    expect(final.state).toBe('cancelled');
    expect(final.steps.map((s) => s.state)).toEqual(['cancelled', 'skipped']);
    expect(final.outcome?.summary).toContain(
      'cancelled by bob during "Step change", which was stopped half-way',
    );
  });

  it('goes on when the durable cancel flag cannot be read', async () => {
    const ran: string[] = [];
    const final = await run(
      plan(['a', 'b']),
      [
        { id: 'a', title: 'Step a', run: async () => void ran.push('a') },
        { id: 'b', title: 'Step b', run: async () => void ran.push('b') },
      ],
      { cancelRequested: () => Promise.reject(new Error('Redis connection lost')) },
    );
    expect(ran).toEqual(['a', 'b']);
    expect(final.state).toBe('succeeded');
  });

  it('abandoned during an interruptible step: throws at once, publishes and audits nothing more', async () => {
    const p = plan(['watch', 'verify']);
    const controller = new AbortController();
    const audit = new RecordingAudit();
    const ran: string[] = [];
    let versionWhenAbandoned = 0;
    const outcome = await run(
      p,
      [
        {
          id: 'watch',
          title: 'Step watch',
          run: async () => {
            versionWhenAbandoned = (await store.get(p.jobId))?.version ?? 0;
            controller.abort(new JobAbandonedError(p.jobId));
          },
        },
        { id: 'verify', title: 'Step verify', run: async () => void ran.push('verify') },
      ],
      { signal: controller.signal, audit },
    ).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(JobAbandonedError);
    expect(ran).toEqual([]);
    const stored = await store.get(p.jobId);
    expect(stored?.version).toBe(versionWhenAbandoned);
    expect(stored?.state).toBe('running');
    expect(stored?.steps.map((s) => s.state)).toEqual(['running', 'pending']);
    expect(audit.types()).toEqual(['step_started']);
  });

  it('abandoned while a non-interruptible step ran: the step finishes, then nothing more runs or ends', async () => {
    const p = plan(['change', 'watch']);
    const controller = new AbortController();
    const audit = new RecordingAudit();
    const ran: string[] = [];
    const outcome = await run(
      p,
      [
        {
          id: 'change',
          title: 'Step change',
          interruptible: false,
          run: async (ctx) => {
            controller.abort(new JobAbandonedError(p.jobId));
            ran.push(ctx.signal.aborted ? 'change (aborted)' : 'change');
          },
        },
        { id: 'watch', title: 'Step watch', run: async () => void ran.push('watch') },
      ],
      { signal: controller.signal, audit },
    ).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(JobAbandonedError);
    expect(ran).toEqual(['change']);
    const stored = await store.get(p.jobId);
    expect(stored?.state).toBe('running');
    expect(stored?.steps.map((s) => s.state)).toEqual(['done', 'pending']);
    expect(audit.types()).toEqual(['step_started', 'step_ended']);
  });
});
