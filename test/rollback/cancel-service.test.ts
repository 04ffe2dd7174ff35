import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/rollback-error.js';
import type { CancelRequest } from '../../src/rollback/ports/cancellation.js';
import type { ProgressSnapshot } from '../../src/rollback/progress-snapshot.js';
import {
  ALICE,
  BOB,
  CAROL,
  holdNextJob,
  startRollbackDomain,
  testService,
  type RollbackDomain,
} from '../support/rollback-domain.js';

const SERVICES = [
  testService('kaizen'),
  testService('kaizen-gated', { approval: { required: 1, expiresAfter: '60s' } }),
];

describe('CancelService over the real queue and Redis stores', () => {
  let domain: RollbackDomain;
  beforeEach(() => {
    domain = startRollbackDomain(SERVICES);
  });
  afterEach(async () => {
    await domain.close();
  });

  /** The job's audit trail after its `requested` entry (which carries the job id too, and comes first). */
  const auditTrail = async (jobId: string) => {
    const trail = await domain.auditOf(jobId);
    expect(trail[0]?.type).toBe('requested');
    return trail.slice(1).map((e) => [e.type, e.actor.name, e.detail]);
  };

  /** Collects the cancel broadcasts every worker process subscribes to. */
  async function listenForBroadcasts(): Promise<{ messages: unknown[]; close(): void }> {
    const subscriber = domain.redis.duplicate();
    const messages: unknown[] = [];
    subscriber.on('message', (_channel: string, message: string) => messages.push(JSON.parse(message)));
    await subscriber.subscribe(domain.keys.cancelChannel());
    return { messages, close: () => subscriber.disconnect() };
  }

  it('a queued job is taken out of the queue at once, reported cancelled, its service freed, and audited', async () => {
    const plan = await domain.submit('kaizen', ALICE, 'v0.7.0');
    expect(await domain.queueState(plan.jobId)).toBe('waiting');

    const outcome = await domain.cancels.cancel(plan.jobId, BOB);
    expect(outcome.kind).toBe('cancelled');
    expect(await domain.queueState(plan.jobId)).toBe('unknown');
    expect(await domain.locks.holder('kaizen')).toBeUndefined();
    const stored = await domain.progress.get(plan.jobId);
    expect(stored).toEqual(outcome.snapshot);
    expect(stored).toMatchObject({
      state: 'cancelled',
      cancelRequested: { by: { id: BOB.id, name: 'bob' } },
      outcome: {
        summary:
          'Rollback of kaizen was cancelled by bob before it started. Done: nothing. ' +
          'Not done: Set image, Verify rollout. Nothing was changed.',
        error: { code: 'cancelled' },
      },
    });
    expect(stored?.steps.map((s) => s.state)).toEqual(['skipped', 'skipped']);
    expect((await domain.cancellation.requested(plan.jobId))?.by.id).toBe(BOB.id);
    expect(await auditTrail(plan.jobId)).toEqual([
      ['enqueued', 'alice', 'to v0.7.0'],
      ['cancel_requested', 'bob', 'while queued'],
      ['cancelled', 'bob', stored?.outcome?.summary],
    ]);
    // The service takes a new rollback at once.
    const next = await domain.submit('kaizen', CAROL);
    expect(await domain.locks.holder('kaizen')).toBe(next.jobId);
  });

  it('a running job is asked to stop: durable flag, broadcast to workers, "requested" with the running step', async () => {
    const plan = await domain.submit('kaizen', ALICE);
    const held = await holdNextJob(domain);
    const broadcasts = await listenForBroadcasts();
    try {
      const outcome = await domain.cancels.cancel(plan.jobId, BOB);
      expect(outcome).toMatchObject({
        kind: 'requested',
        runningStep: 'Set image',
        request: { by: { id: BOB.id, name: 'bob' } },
      });
      const flag = await domain.cancellation.requested(plan.jobId);
      expect(flag?.by.id).toBe(BOB.id);
      await expect
        .poll(() => broadcasts.messages)
        .toEqual([{ jobId: plan.jobId, request: expect.objectContaining(flag) }]);
      // The worker still holds it and ends it itself: nothing here ended the snapshot or freed the service.
      expect(await domain.queueState(plan.jobId)).toBe('active');
      expect((await domain.progress.get(plan.jobId))?.state).toBe('running');
      expect(await domain.locks.holder('kaizen')).toBe(plan.jobId);

      // A second request is answered with the first one, which the worker acts on.
      const again = await domain.cancels.cancel(plan.jobId, CAROL);
      expect(again.kind).toBe('requested');
      expect((again as { request: CancelRequest }).request.by.name).toBe('bob');
      expect(await auditTrail(plan.jobId)).toEqual([
        ['enqueued', 'alice', 'to v0.7.0'],
        ['cancel_requested', 'bob', 'while running'],
        ['cancel_requested', 'carol', 'while running'],
      ]);
    } finally {
      broadcasts.close();
      await held.release();
    }
  });

  it('a finished job is not cancelled: "finished", no flag, the snapshot unchanged, the refusal audited', async () => {
    const plan = await domain.submit('kaizen', ALICE);
    const queued = (await domain.progress.get(plan.jobId)) as ProgressSnapshot;
    const done: ProgressSnapshot = { ...queued, version: queued.version + 1, state: 'succeeded' };
    await domain.progress.publish(done);

    const outcome = await domain.cancels.cancel(plan.jobId, BOB);
    expect(outcome).toEqual({ kind: 'finished', snapshot: done });
    expect(await domain.progress.get(plan.jobId)).toEqual(done);
    expect(await domain.cancellation.requested(plan.jobId)).toBeUndefined();
    expect((await auditTrail(plan.jobId)).at(-1)).toEqual([
      'cancel_requested',
      'bob',
      'refused: the rollback already succeeded',
    ]);
  });

  it('an unknown job id is an InputError that says so; nothing is flagged or audited', async () => {
    const error = await domain.cancels.cancel('kaizen-nope-0000', BOB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: 'unknown_job', message: 'No rollback with id "kaizen-nope-0000".' });
    expect(await domain.cancellation.requested('kaizen-nope-0000')).toBeUndefined();
    expect(await domain.auditOf('kaizen-nope-0000')).toEqual([]);
  });

  it('cancelling twice: the second answer is "finished" and keeps who cancelled first', async () => {
    const plan = await domain.submit('kaizen', ALICE);
    expect((await domain.cancels.cancel(plan.jobId, BOB)).kind).toBe('cancelled');
    const second = await domain.cancels.cancel(plan.jobId, CAROL);
    expect(second.kind).toBe('finished');
    expect(second.snapshot).toMatchObject({ state: 'cancelled', cancelRequested: { by: { name: 'bob' } } });
    expect((await domain.cancellation.requested(plan.jobId))?.by.name).toBe('bob');
    const trail = await auditTrail(plan.jobId);
    expect(trail.filter(([type]) => type === 'cancelled')).toHaveLength(1);
    expect(trail.at(-1)).toEqual(['cancel_requested', 'carol', 'refused: the rollback already cancelled']);
  });

  it('a plan awaiting approval is cancelled at once, and a later approval cannot queue it', async () => {
    const plan = await domain.submit('kaizen-gated', ALICE);
    const outcome = await domain.cancels.cancel(plan.jobId, ALICE);
    expect(outcome.kind).toBe('cancelled');
    expect(outcome.snapshot).toMatchObject({ state: 'cancelled', approval: { state: 'cancelled' } });
    expect(await domain.locks.holder('kaizen-gated')).toBeUndefined();

    await expect(domain.approvals.approve(plan.jobId, BOB)).rejects.toMatchObject({
      code: 'not_awaiting_approval',
    });
    expect(await domain.queueState(plan.jobId)).toBe('unknown');
    expect((await auditTrail(plan.jobId)).map(([type]) => type)).not.toContain('enqueued');
  });
});
