import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalAnswer } from '../../src/rollback/approval-service.js';
import { PermissionDeniedError } from '../../src/rollback/policy/permission-denied-error.js';
import {
  ALICE,
  BOB,
  CAROL,
  MALLORY,
  startRollbackDomain,
  testService,
  type RollbackDomain,
} from '../support/rollback-domain.js';

/** Alice requests; alice, bob and carol are approvers (alice still cannot approve her own rollback). */
const approvers = { approve: { users: [ALICE.id, BOB.id, CAROL.id] } };
const SERVICES = [
  testService('kaizen-one', { approval: { required: 1, expiresAfter: '60s' }, permissions: approvers }),
  testService('kaizen-two', { approval: { required: 2, expiresAfter: '60s' }, permissions: approvers }),
];

describe('ApprovalService: the two-person rule over the real Redis stores', () => {
  let domain: RollbackDomain;
  beforeEach(() => {
    domain = startRollbackDomain(SERVICES);
  });
  afterEach(async () => {
    await domain.close();
  });

  /** The job's audit trail after its `requested` entry (which carries the job id too, and comes first). */
  const jobAudit = async (jobId: string) => {
    const trail = await domain.auditOf(jobId);
    expect(trail[0]?.type).toBe('requested');
    return trail.slice(1);
  };
  const auditTypes = async (jobId: string) => (await jobAudit(jobId)).map((e) => e.type);
  const approve = (jobId: string, who = BOB) => domain.approvals.approve(jobId, who);
  const messages = (results: PromiseSettledResult<ApprovalAnswer>[]) =>
    results.map((r) => (r.status === 'fulfilled' ? r.value.message : (r.reason as Error).message));

  it('a plan needing one approval waits holding the service, then the approval queues it', async () => {
    const plan = await domain.submit('kaizen-one', ALICE, 'v0.7.0');
    const waiting = await domain.progress.get(plan.jobId);
    expect(waiting).toMatchObject({
      state: 'awaiting_approval',
      approval: {
        required: 1,
        approvals: [],
        state: 'pending',
        expiresAt: new Date(domain.clock.ms + 60_000).toISOString(),
      },
    });
    expect(await domain.locks.holder('kaizen-one')).toBe(plan.jobId);
    expect(await domain.queueState(plan.jobId)).toBe('unknown');
    expect(await domain.approvals.isPending(plan.jobId)).toBe(true);
    const timer = await domain.expiry.queue.getJob(`expire-${plan.jobId}`);
    expect(await timer?.getState()).toBe('delayed');

    const answer = await approve(plan.jobId);
    expect(answer.message).toBe('Approved: the rollback of kaizen-one is queued and starts now.');
    expect(answer.approval).toMatchObject({ state: 'approved', approvals: [{ id: BOB.id, name: 'bob' }] });
    expect(await domain.queueState(plan.jobId)).toBe('waiting');
    expect(await domain.progress.get(plan.jobId)).toMatchObject({
      state: 'queued',
      approval: { state: 'approved', approvals: [{ id: BOB.id }] },
    });
    expect(await domain.locks.holder('kaizen-one')).toBe(plan.jobId);
    expect(await domain.approvals.isPending(plan.jobId)).toBe(false);
    const entries = await jobAudit(plan.jobId);
    expect(entries.map((e) => [e.type, e.actor.name, e.detail])).toEqual([
      ['approved', 'bob', '1/1: approvals complete'],
      ['enqueued', 'alice', 'to v0.7.0 after 1 approval(s)'],
    ]);
  });

  it('a plan needing two approvals is queued by the second approver, not the first', async () => {
    const plan = await domain.submit('kaizen-two', ALICE);
    const first = await approve(plan.jobId, BOB);
    expect(first.message).toBe('Approved (1/2): 1 more approval needed.');
    expect(await domain.queueState(plan.jobId)).toBe('unknown');
    expect(await domain.progress.get(plan.jobId)).toMatchObject({
      state: 'awaiting_approval',
      approval: { state: 'pending', approvals: [{ id: BOB.id }] },
    });

    const second = await approve(plan.jobId, CAROL);
    expect(second.message).toBe('Approved: the rollback of kaizen-two is queued and starts now.');
    expect(await domain.queueState(plan.jobId)).toBe('waiting');
    expect((await domain.progress.get(plan.jobId))?.approval?.approvals.map((a) => a.name)).toEqual([
      'bob',
      'carol',
    ]);
    expect(await auditTypes(plan.jobId)).toEqual(['approved', 'approved', 'enqueued']);
  });

  it('the requester cannot approve their own rollback, even as an approver; the refusal is audited', async () => {
    const plan = await domain.submit('kaizen-one', ALICE);
    await expect(approve(plan.jobId, ALICE)).rejects.toMatchObject({
      code: 'self_approval',
      message: 'You requested this rollback, so you cannot approve it.',
    });
    expect(await domain.approvalStore.get(plan.jobId)).toMatchObject({ state: 'pending', approvals: [] });
    expect(await domain.queueState(plan.jobId)).toBe('unknown');
    const entries = await jobAudit(plan.jobId);
    expect(entries.map((e) => [e.type, e.actor.id, e.detail])).toEqual([
      ['denied', ALICE.id, 'approval: the requester cannot approve their own rollback'],
    ]);
  });

  it('someone who is not an approver is refused with the rule that says who is, and does not count', async () => {
    const plan = await domain.submit('kaizen-one', ALICE);
    const refusal = await approve(plan.jobId, MALLORY).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PermissionDeniedError);
    expect(refusal).toMatchObject({
      code: 'permission_denied',
      rule: 'permissions.approve',
      message: 'You are not an approver for kaizen-one (production); your approval does not count.',
    });
    expect((refusal as PermissionDeniedError).hint).toContain('U0BOB');
    expect(await domain.approvalStore.get(plan.jobId)).toMatchObject({ state: 'pending', approvals: [] });
    expect(await domain.queueState(plan.jobId)).toBe('unknown');
    const [denied] = await jobAudit(plan.jobId);
    expect(denied).toMatchObject({ type: 'denied', actor: { id: MALLORY.id } });
    expect(denied?.detail).toMatch(/^permissions\.approve: You are not an approver/);
  });

  it('a double click counts once', async () => {
    const plan = await domain.submit('kaizen-two', ALICE);
    const clicks = await Promise.allSettled([approve(plan.jobId, BOB), approve(plan.jobId, BOB)]);
    expect(messages(clicks).sort()).toEqual([
      'Approved (1/2): 1 more approval needed.',
      'You already approved this rollback; an approval counts once.',
    ]);
    expect((await domain.approvalStore.get(plan.jobId))?.approvals.map((a) => a.id)).toEqual([BOB.id]);
    expect(await auditTypes(plan.jobId)).toEqual(['approved']);
    expect(await domain.queueState(plan.jobId)).toBe('unknown');
  });

  it('two approvers at the same moment on a one-approval plan: one queues it, the other is told it is running', async () => {
    const plan = await domain.submit('kaizen-one', ALICE);
    const clicks = await Promise.allSettled([approve(plan.jobId, BOB), approve(plan.jobId, CAROL)]);
    expect(messages(clicks).sort()).toEqual([
      'Approved: the rollback of kaizen-one is queued and starts now.',
      'This rollback is no longer waiting for approval: it was already approved and is running.',
    ]);
    expect(await domain.queueState(plan.jobId)).toBe('waiting');
    expect(await auditTypes(plan.jobId)).toEqual(['approved', 'enqueued']);
    expect((await domain.progress.get(plan.jobId))?.approval?.approvals).toHaveLength(1);
  });

  it('two approvers at the same moment on a two-approval plan: both count, it is queued once', async () => {
    const plan = await domain.submit('kaizen-two', ALICE);
    const clicks = await Promise.allSettled([approve(plan.jobId, BOB), approve(plan.jobId, CAROL)]);
    expect(messages(clicks).sort()).toEqual([
      'Approved (1/2): 1 more approval needed.',
      'Approved: the rollback of kaizen-two is queued and starts now.',
    ]);
    expect(await domain.queueState(plan.jobId)).toBe('waiting');
    expect((await auditTypes(plan.jobId)).filter((t) => t === 'enqueued')).toHaveLength(1);
    // The snapshot shows the latest change of the approval, whichever click published last.
    expect(await domain.progress.get(plan.jobId)).toMatchObject({
      state: 'queued',
      approval: { state: 'approved' },
    });
  });

  it('an approval after the deadline is refused; the plan ends, says why, and frees the service', async () => {
    const plan = await domain.submit('kaizen-two', ALICE);
    const expiresAt = (await domain.progress.get(plan.jobId))?.approval?.expiresAt;
    domain.clock.advance(59);
    expect((await approve(plan.jobId, BOB)).message).toBe('Approved (1/2): 1 more approval needed.');
    domain.clock.advance(2);
    await expect(approve(plan.jobId, CAROL)).rejects.toMatchObject({
      code: 'not_awaiting_approval',
      message: `This rollback is no longer waiting for approval: it expired at ${expiresAt}.`,
    });
    expect(await domain.queueState(plan.jobId)).toBe('unknown');
    expect(await domain.locks.holder('kaizen-two')).toBeUndefined();
    const ended = await domain.progress.get(plan.jobId);
    expect(ended).toMatchObject({ state: 'cancelled', approval: { state: 'expired' } });
    expect(ended?.outcome?.summary).toMatch(
      /^Not approved in time: the plan expired at .* nothing was changed/,
    );
    expect(ended?.steps.every((s) => s.state === 'skipped')).toBe(true);
    const entries = await jobAudit(plan.jobId);
    expect(entries.map((e) => [e.type, e.actor.id])).toEqual([
      ['approved', BOB.id],
      ['approval_expired', 'approval-timer'],
    ]);
    // The service is free for a new request.
    const again = await domain.submit('kaizen-two', BOB);
    expect(await domain.locks.holder('kaizen-two')).toBe(again.jobId);
  });

  it('the expiry timer closes a waiting plan at its deadline, not before', async () => {
    const plan = await domain.submit('kaizen-one', ALICE);
    domain.clock.advance(30);
    await expect(domain.approvals.expire(plan.jobId)).rejects.toMatchObject({ code: 'not_due' });
    expect(await domain.approvals.isPending(plan.jobId)).toBe(true);
    expect(await domain.locks.holder('kaizen-one')).toBe(plan.jobId);

    domain.clock.advance(30);
    await domain.approvals.expire(plan.jobId);
    expect(await domain.locks.holder('kaizen-one')).toBeUndefined();
    expect((await domain.progress.get(plan.jobId))?.state).toBe('cancelled');
    expect(await auditTypes(plan.jobId)).toEqual(['approval_expired']);
    await expect(approve(plan.jobId)).rejects.toMatchObject({
      message: expect.stringMatching(/no longer waiting for approval: it expired/),
    });
    expect(await domain.queueState(plan.jobId)).toBe('unknown');
  });

  it('cancel closes a waiting plan: the service is freed and a later approval cannot queue it', async () => {
    const plan = await domain.submit('kaizen-one', ALICE);
    const answer = await domain.approvals.cancel(plan.jobId, ALICE);
    expect(answer.message).toBe('Cancelled: the rollback of kaizen-one will not run; nothing was changed.');
    expect(await domain.locks.holder('kaizen-one')).toBeUndefined();
    const ended = await domain.progress.get(plan.jobId);
    expect(ended).toMatchObject({
      state: 'cancelled',
      approval: { state: 'cancelled' },
      cancelRequested: { by: { id: ALICE.id, name: 'alice' } },
      outcome: { summary: 'Cancelled by alice before it was approved; nothing was changed.' },
    });

    await expect(approve(plan.jobId)).rejects.toMatchObject({
      code: 'not_awaiting_approval',
      message: 'This rollback is no longer waiting for approval: it was cancelled.',
    });
    expect(await domain.queueState(plan.jobId)).toBe('unknown');
    const entries = await jobAudit(plan.jobId);
    expect(entries.map((e) => [e.type, e.actor.name, e.detail])).toEqual([
      ['cancelled', 'alice', 'withdrawn before approval'],
    ]);
  });

  it('only the requester or an approver may withdraw a waiting plan', async () => {
    const plan = await domain.submit('kaizen-one', ALICE);
    await expect(domain.approvals.cancel(plan.jobId, MALLORY)).rejects.toMatchObject({
      code: 'permission_denied',
      message: 'Only the requester or an approver can cancel this plan.',
    });
    expect(await domain.approvals.isPending(plan.jobId)).toBe(true);
    expect(await domain.locks.holder('kaizen-one')).toBe(plan.jobId);

    expect((await domain.approvals.cancel(plan.jobId, CAROL)).message).toMatch(/^Cancelled/);
    expect(await domain.locks.holder('kaizen-one')).toBeUndefined();
    expect((await jobAudit(plan.jobId)).map((e) => [e.type, e.actor.name])).toEqual([
      ['denied', 'mallory'],
      ['cancelled', 'carol'],
    ]);
  });

  it('an unknown job id is answered plainly', async () => {
    await expect(approve('kaizen-one-nope-0000')).rejects.toMatchObject({
      code: 'unknown_job',
      message: 'No rollback plan with id "kaizen-one-nope-0000".',
    });
  });
});
