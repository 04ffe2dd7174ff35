import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PermanentError } from '../../src/errors/rollback-error.js';
import { createLogger } from '../../src/observability/logger.js';
import type { ProgressSnapshot } from '../../src/rollback/progress-snapshot.js';
import { initialSnapshot } from '../../src/rollback/snapshot-tracker.js';
import { RedisApprovalStore } from '../../src/stores/redis-approval-store.js';
import { RedisCancellation } from '../../src/stores/redis-cancellation.js';
import { RedisGitopsHolds } from '../../src/stores/redis-gitops-holds.js';
import { RedisJobMemory } from '../../src/stores/redis-job-memory.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { RedisRollbackIndex } from '../../src/stores/redis-rollback-index.js';
import { RedisRolledBackMarks } from '../../src/stores/redis-rolled-back-marks.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';
import { testPlan } from '../support/test-plan.js';

const prefix = testPrefix('records');
const keys = new RedisKeys(prefix);
const redis = new Redis(TEST_REDIS_URL);

afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

/** A logger whose warnings the test can read. */
function recordingLogger(): { log: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const log = createLogger({ level: 'warn', destination });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, lines };
}

function snapshot(jobId: string): ProgressSnapshot {
  const s = initialSnapshot(testPlan(jobId, ['identify']));
  s.state = 'running';
  s.steps[0] = { ...s.steps[0]!, state: 'failed', error: { code: 'some_old_code', message: 'x' } };
  return s;
}

describe('stored snapshots', () => {
  it('round-trip in the current shape, written with their schema version', async () => {
    const store = new RedisProgressStore(redis, keys);
    const written = snapshot('kaizen-current');
    await store.publish(written);
    expect(JSON.parse((await redis.get(keys.snapshot('kaizen-current'))) ?? '{}')).toMatchObject({
      schemaVersion: 1,
      jobId: 'kaizen-current',
    });
    expect(await store.get('kaizen-current')).toEqual(written);
  });

  it('still read when written before versions existed (no schemaVersion)', async () => {
    const old = snapshot('kaizen-legacy');
    await redis.set(keys.snapshot('kaizen-legacy'), JSON.stringify(old));
    expect(await new RedisProgressStore(redis, keys).get('kaizen-legacy')).toEqual(old);
  });

  it('read fields they know when written by a newer version, and drop the rest', async () => {
    const newer = { ...snapshot('kaizen-newer'), schemaVersion: 7, somethingNew: { a: 1 } };
    await redis.set(keys.snapshot('kaizen-newer'), JSON.stringify(newer));
    const read = await new RedisProgressStore(redis, keys).get('kaizen-newer');
    expect(read?.jobId).toBe('kaizen-newer');
    expect(read).not.toHaveProperty('somethingNew');
    expect(read).not.toHaveProperty('schemaVersion');
  });

  it('are reported as missing when malformed, and logged once with their key', async () => {
    const { log, lines } = recordingLogger();
    const store = new RedisProgressStore(redis, keys, log);
    await redis.set(keys.snapshot('kaizen-garbled'), '{"version": 3, "jobId": ');
    await redis.set(keys.snapshot('kaizen-wrong'), JSON.stringify({ ...snapshot('x'), steps: 'none' }));
    await expect(store.get('kaizen-garbled')).resolves.toBeUndefined();
    await expect(store.get('kaizen-garbled')).resolves.toBeUndefined();
    await expect(store.get('kaizen-wrong')).resolves.toBeUndefined();
    expect(lines().map((l) => [l['key'], l['reason']])).toEqual([
      [keys.snapshot('kaizen-garbled'), 'not JSON'],
      [keys.snapshot('kaizen-wrong'), expect.stringContaining('steps')],
    ]);
  });
});

describe('stored plans', () => {
  it('round-trip, read without a schemaVersion, and read as missing when malformed', async () => {
    const index = new RedisRollbackIndex(redis, keys);
    const plan = testPlan('kaizen-plan', ['identify', 'rollback']);
    await index.record(plan);
    expect(await index.plan('kaizen-plan')).toEqual(plan);
    await redis.set(
      keys.plan('kaizen-plan-legacy'),
      JSON.stringify({ ...plan, jobId: 'kaizen-plan-legacy' }),
    );
    expect((await index.plan('kaizen-plan-legacy'))?.jobId).toBe('kaizen-plan-legacy');
    await redis.set(keys.plan('kaizen-plan-bad'), JSON.stringify({ jobId: 'kaizen-plan-bad' }));
    expect(await index.plan('kaizen-plan-bad')).toBeUndefined();
  });
});

describe('stored approvals', () => {
  const open = { service: 'kaizen', requesterId: 'U1', required: 1, expiresAt: '2099-01-01T00:00:00.000Z' };

  it('round-trip with their version, read without one, and read as missing when malformed', async () => {
    const store = new RedisApprovalStore(redis, keys);
    await store.open({ ...open, jobId: 'kaizen-approve' });
    expect(await redis.hget(keys.approval('kaizen-approve'), 'schemaVersion')).toBe('1');
    expect(await store.approve('kaizen-approve', { id: 'U2', name: 'bob' }, new Date())).toMatchObject({
      outcome: 'approved',
      record: { jobId: 'kaizen-approve', approvals: [{ id: 'U2', name: 'bob' }], state: 'approved', rev: 1 },
    });

    // Today's hashes have no schemaVersion field; cjson writes an empty approvals list as {}.
    await redis.hset(keys.approval('kaizen-legacy'), {
      service: 'kaizen',
      requesterId: 'U1',
      required: 2,
      approvals: '{}',
      expiresAtMs: Date.parse(open.expiresAt),
      state: 'pending',
      rev: 0,
    });
    expect(await store.get('kaizen-legacy')).toEqual({
      jobId: 'kaizen-legacy',
      ...open,
      required: 2,
      approvals: [],
      state: 'pending',
      rev: 0,
    });

    await redis.hset(keys.approval('kaizen-bad'), { service: 'kaizen', state: 'maybe', approvals: '[' });
    expect(await store.get('kaizen-bad')).toBeUndefined();
    expect(await store.approve('kaizen-bad', { id: 'U2', name: 'bob' }, new Date())).toEqual({
      outcome: 'not_pending',
    });
  });
});

describe('stored rolled-back marks', () => {
  const mark = {
    service: 'kaizen',
    by: { id: 'U1', name: 'alice' },
    at: '2026-01-01T00:00:00Z',
    jobId: 'j',
    to: 'v1',
  };

  it('round-trip, read without a schemaVersion, and still block deploys when malformed', async () => {
    const marks = new RedisRolledBackMarks(redis, keys);
    await marks.set(mark);
    expect(JSON.parse((await redis.get(keys.rolledBack('kaizen'))) ?? '{}')).toHaveProperty(
      'schemaVersion',
      1,
    );
    expect(await marks.get('kaizen')).toEqual(mark);
    await redis.set(keys.rolledBack('api'), JSON.stringify({ ...mark, service: 'api' }));
    expect(await marks.get('api')).toEqual({ ...mark, service: 'api' });

    await redis.set(keys.rolledBack('web'), 'not json');
    const unreadable = await marks.get('web');
    expect(unreadable).toMatchObject({ service: 'web', by: { name: 'unknown' } });
    expect(await marks.release('web')).toMatchObject({ service: 'web' });
    expect(await marks.get('web')).toBeUndefined();
  });
});

describe('stored GitOps holds', () => {
  it('round-trip with their version, read without one, and read as missing when malformed, logged once', async () => {
    const { log, lines } = recordingLogger();
    const holds = new RedisGitopsHolds(redis, keys, log);
    const hold = {
      service: 'kaizen',
      jobId: 'kaizen-h1',
      ref: {
        group: 'argoproj.io',
        version: 'v1alpha1',
        plural: 'applications',
        namespace: 'argocd',
        name: 'kaizen',
      },
      kind: 'argocd-automated' as const,
      original: { present: true, value: { prune: true } },
      description: 'Argo CD Application argocd/kaizen',
      at: '2026-01-01T00:00:00Z',
    };
    await holds.set(hold);
    expect(JSON.parse((await redis.get(keys.gitopsHold('kaizen'))) ?? '{}')).toHaveProperty(
      'schemaVersion',
      1,
    );
    expect(await holds.get('kaizen')).toEqual(hold);
    await redis.set(keys.gitopsHold('api'), JSON.stringify({ ...hold, service: 'api' }));
    expect(await holds.get('api')).toEqual({ ...hold, service: 'api' });

    await redis.set(keys.gitopsHold('web'), JSON.stringify({ service: 'web' }));
    expect(await holds.get('web')).toBeUndefined();
    expect(await holds.get('web')).toBeUndefined();
    expect(lines()).toEqual([
      expect.objectContaining({ key: keys.gitopsHold('web'), record: 'gitops hold' }),
    ]);
    await holds.remove('kaizen');
    expect(await holds.get('kaizen')).toBeUndefined();
  });
});

describe('stored cancel requests', () => {
  it('round-trip, read without a schemaVersion, and read as missing when malformed', async () => {
    const cancellation = new RedisCancellation(redis, keys, createLogger({ level: 'silent' }), () =>
      redis.duplicate(),
    );
    const request = { by: { id: 'U1', name: 'alice', source: 'slack' as const }, at: '2026-01-01T00:00:00Z' };
    expect(await cancellation.request('kaizen-c1', request)).toEqual(request);
    expect(await cancellation.requested('kaizen-c1')).toEqual(request);
    await redis.set(
      keys.cancelRequested('kaizen-c2'),
      JSON.stringify({ by: { id: 'U2', name: 'bob' }, at: 'now' }),
    );
    expect(await cancellation.requested('kaizen-c2')).toEqual({ by: { id: 'U2', name: 'bob' }, at: 'now' });
    await redis.set(keys.cancelRequested('kaizen-c3'), JSON.stringify({ by: 'bob' }));
    expect(await cancellation.requested('kaizen-c3')).toBeUndefined();
  });
});

describe('job memory', () => {
  it('round-trips checked values, reads values written before versions, and refuses to guess', async () => {
    const memory = new RedisJobMemory(redis, keys, 'kaizen-memory');
    const applied = z.object({ at: z.string(), mode: z.enum(['image', 'undo']) });
    await memory.set('applied', { at: 'now', mode: 'undo' });
    expect(JSON.parse((await redis.hget(keys.memory('kaizen-memory'), 'applied')) ?? '{}')).toEqual({
      schemaVersion: 1,
      value: { at: 'now', mode: 'undo' },
    });
    expect(await memory.get('applied', applied)).toEqual({ at: 'now', mode: 'undo' });
    expect(await memory.get('nothing', z.boolean())).toBeUndefined();

    await redis.hset(keys.memory('kaizen-memory'), 'restored', 'true', 'old', '{"at":"then","mode":"image"}');
    expect(await memory.get('restored', z.boolean())).toBe(true);
    expect(await memory.get('old', applied)).toEqual({ at: 'then', mode: 'image' });

    await redis.hset(keys.memory('kaizen-memory'), 'bad', '{"at":1}');
    const error = await memory.get('bad', applied).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'job_memory_unreadable' });
  });
});
