import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandHandler, type CommandContext } from '../../src/commands/command-handler.js';
import type { CommandReply } from '../../src/commands/command-reply.js';
import { createLogger, silentLogger } from '../../src/observability/logger.js';
import { PermanentError } from '../../src/errors/rollback-error.js';
import type { ProgressSnapshot, Requester } from '../../src/rollback/progress-snapshot.js';
import {
  ALICE,
  BOB,
  CAROL,
  DAVE,
  holdNextJob,
  MALLORY,
  startRollbackDomain,
  testService,
  type RollbackDomain,
} from '../support/rollback-domain.js';

const SERVICES = [
  testService('kaizen', { permissions: { request: { users: [ALICE.id, BOB.id] } } }),
  testService('kaizen-gated', {
    approval: { required: 1, expiresAfter: '60s' },
    permissions: { request: { users: [ALICE.id, BOB.id, DAVE.id] }, approve: { users: [CAROL.id] } },
  }),
];

/** Every log line the handler writes, parsed. */
function memoryLog() {
  const lines: { level: number; msg: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { lines, log: createLogger({ level: 'debug', destination }) };
}

describe('CommandHandler: every /rollback command against the real domain services', () => {
  let domain: RollbackDomain;
  let logged: ReturnType<typeof memoryLog>;
  let handler: CommandHandler;

  beforeEach(() => {
    domain = startRollbackDomain(SERVICES);
    logged = memoryLog();
    handler = new CommandHandler(domain.rollbacks, logged.log, {
      cancels: domain.cancels,
      approvals: domain.approvals,
    });
  });
  afterEach(async () => {
    await domain.close();
  });

  const as = (requester: Requester): CommandContext => ({
    requester,
    channel: 'C0INCIDENT',
    channelName: 'incidents',
  });
  const run = (text: string, requester: Requester = ALICE) => handler.handle(text, as(requester));
  /** The text of a notice reply (fails the test on any other kind). */
  const notice = (reply: CommandReply): string => {
    expect(reply.kind, JSON.stringify(reply)).toBe('notice');
    return (reply as { text: string }).text;
  };
  /** Queues a kaizen rollback (v0.7.0 by alice) and returns its job id. */
  const queued = async (service = 'kaizen', requester = ALICE): Promise<string> => {
    const reply = await run(`${service} v0.7.0`, requester);
    expect(reply.kind, JSON.stringify(reply)).toBe('plan');
    return (reply as { plan: { jobId: string } }).plan.jobId;
  };

  describe('answers', () => {
    it('help, for "help" and for an empty command', async () => {
      expect(await run('help')).toEqual({ kind: 'help' });
      expect(await run('')).toEqual({ kind: 'help' });
    });

    it('a mistyped command with what was wrong and the usage, touching nothing', async () => {
      const reply = await run('kaizen v0.7.0 --bogus');
      expect(reply).toEqual({
        kind: 'error',
        error: {
          code: 'unknown_option',
          message: 'Unknown option "--bogus".',
          hint: expect.stringContaining('Usage: /rollback <service>'),
        },
      });
      expect(await domain.audit.list()).toEqual([]);
      expect(await domain.locks.holder('kaizen')).toBeUndefined();
    });

    it('a dry run with the plan and nothing queued or locked', async () => {
      const reply = await run('kaizen v0.6.0 --dry-run');
      expect(reply).toMatchObject({
        kind: 'plan',
        enqueued: false,
        plan: { service: 'kaizen', from: 'v0.8.0', to: 'v0.6.0', request: { dryRun: true } },
      });
      expect(reply).not.toHaveProperty('awaitingApproval');
      const jobId = (reply as { plan: { jobId: string } }).plan.jobId;
      expect(await domain.queueState(jobId)).toBe('unknown');
      expect(await domain.progress.get(jobId)).toBeUndefined();
      expect(await domain.locks.holder('kaizen')).toBeUndefined();
    });

    it('a queued rollback with its plan; the job waits in the queue holding the service', async () => {
      const reply = await run('kaizen previous --reason "error rate 12%"');
      expect(reply).toMatchObject({
        kind: 'plan',
        enqueued: true,
        plan: {
          to: 'v0.7.0',
          steps: [{ title: 'Set image' }, { title: 'Verify rollout' }],
          request: { reason: 'error rate 12%', channel: 'C0INCIDENT', requester: { id: ALICE.id } },
        },
      });
      const jobId = (reply as { plan: { jobId: string } }).plan.jobId;
      expect(await domain.queueState(jobId)).toBe('waiting');
      expect(await domain.locks.holder('kaizen')).toBe(jobId);
      expect((await domain.progress.get(jobId))?.state).toBe('queued');
      const [requested] = await domain.audit.list({ service: 'kaizen' }).then((e) => e.reverse());
      expect(requested).toMatchObject({
        type: 'requested',
        detail: 'to previous in #incidents; reason: error rate 12%',
      });
    });

    it('a plan that needs approval: not queued, waiting with the approval state', async () => {
      const reply = await run('kaizen-gated v0.7.0');
      expect(reply).toMatchObject({
        kind: 'plan',
        enqueued: false,
        awaitingApproval: { required: 1, approvals: [], state: 'pending' },
      });
      const jobId = (reply as { plan: { jobId: string } }).plan.jobId;
      expect(await domain.queueState(jobId)).toBe('unknown');
      expect(await domain.locks.holder('kaizen-gated')).toBe(jobId);
    });

    it('--break-glass from chat is refused before anything is recorded', async () => {
      const reply = await run('kaizen-gated v0.7.0 --break-glass --reason "approvers asleep"');
      expect(reply).toMatchObject({ kind: 'error', error: { code: 'break_glass_not_allowed' } });
      expect(await domain.locks.holder('kaizen-gated')).toBeUndefined();
      expect(await domain.audit.list()).toEqual([]);
    });

    it('the versions the strategy lists', async () => {
      expect(await run('versions kaizen')).toEqual({
        kind: 'versions',
        service: 'kaizen',
        entries: [
          { id: 'v0.8.0', description: 'kaizen:v0.8.0', current: true },
          { id: 'v0.7.0', description: 'kaizen:v0.7.0' },
          { id: 'v0.6.0', description: 'kaizen:v0.6.0' },
        ],
      });
    });

    it('status: recent rollbacks newest first, one job, or an unknown id said plainly', async () => {
      const first = await queued('kaizen');
      domain.clock.advance(1);
      const second = await queued('kaizen-gated');
      const recent = await run('status');
      expect(recent).toMatchObject({ kind: 'recent', title: 'Recent rollbacks' });
      const ids = (recent as { snapshots: ProgressSnapshot[] }).snapshots.map((s) => s.jobId);
      expect(ids).toEqual([second, first]);

      expect(await run(`status ${first}`)).toMatchObject({
        kind: 'status',
        snapshot: { jobId: first, state: 'queued', to: 'v0.7.0' },
      });
      expect(await run('status kaizen-nope-0000')).toEqual({
        kind: 'error',
        error: {
          code: 'unknown_job',
          message: 'No rollback with id "kaizen-nope-0000".',
          hint: expect.any(String),
        },
      });
    });

    it('status <service>: whether it is marked rolled back and which rollback holds it', async () => {
      expect(notice(await run('status kaizen'))).toBe(
        'kaizen (production)\nNot marked rolled back: deploys may go ahead.\nNo rollback in progress.',
      );
      const jobId = await queued('kaizen');
      expect(notice(await run('status kaizen'))).toBe(
        'kaizen (production)\nNot marked rolled back: deploys may go ahead.\n' +
          `Active rollback: job ${jobId} by alice to v0.7.0 (queued).`,
      );
      const waiting = await queued('kaizen-gated');
      expect(notice(await run('status kaizen-gated'))).toContain(
        `Active rollback: job ${waiting} by alice to v0.7.0 (waiting for approval).`,
      );
    });

    it('history of one service only', async () => {
      const kaizen = await queued('kaizen');
      await queued('kaizen-gated');
      const reply = await run('history kaizen');
      expect(reply).toMatchObject({ kind: 'recent', title: 'Last rollbacks of kaizen' });
      expect((reply as { snapshots: ProgressSnapshot[] }).snapshots.map((s) => s.jobId)).toEqual([kaizen]);
    });
  });

  describe('cancel', () => {
    it('a queued job: cancelled at once, out of the queue, the service freed', async () => {
      const jobId = await queued();
      const text = notice(await run(`cancel ${jobId}`, BOB));
      expect(text).toBe(
        `Cancelled ${jobId}. Rollback of kaizen was cancelled by bob before it started. Done: nothing. ` +
          'Not done: Set image, Verify rollout. Nothing was changed.',
      );
      expect(await domain.queueState(jobId)).toBe('unknown');
      expect(await domain.locks.holder('kaizen')).toBeUndefined();
    });

    it('a running job: asked to stop, naming the running step', async () => {
      const jobId = await queued();
      const held = await holdNextJob(domain);
      try {
        expect(notice(await run(`cancel ${jobId}`, BOB))).toBe(
          `Cancel requested for ${jobId} (kaizen): it stops at the next safe point; "Set image" is running. ` +
            'A step that changes the service is never stopped half-way. The status message will say what was and was not done.',
        );
        expect((await domain.cancellation.requested(jobId))?.by.name).toBe('bob');
      } finally {
        await held.release();
      }
    });

    it('a finished job: there is nothing to cancel, and where to look', async () => {
      const jobId = await queued();
      await run(`cancel ${jobId}`);
      const reply = await run(`cancel ${jobId}`, BOB);
      expect(reply).toMatchObject({
        kind: 'error',
        error: {
          code: 'already_finished',
          message: expect.stringMatching(
            new RegExp(
              `^Rollback ${jobId} of kaizen already cancelled at .*: there is nothing to cancel\\.$`,
            ),
          ),
          hint: expect.stringContaining(`status ${jobId}`),
        },
      });
    });

    it('an unknown job id', async () => {
      expect(await run('cancel kaizen-nope-0000')).toMatchObject({
        kind: 'error',
        error: { code: 'unknown_job', message: 'No rollback with id "kaizen-nope-0000".' },
      });
    });

    it('a plan awaiting approval is closed where approvals live, so a later approval cannot queue it', async () => {
      const jobId = await queued('kaizen-gated');
      expect(notice(await run(`cancel ${jobId}`))).toBe(
        'Cancelled: the rollback of kaizen-gated will not run; nothing was changed.',
      );
      expect((await domain.approvalStore.get(jobId))?.state).toBe('cancelled');
      expect(await domain.locks.holder('kaizen-gated')).toBeUndefined();
      await expect(domain.approvals.approve(jobId, CAROL)).rejects.toMatchObject({
        message: 'This rollback is no longer waiting for approval: it was cancelled.',
      });
      expect(await domain.queueState(jobId)).toBe('unknown');
    });

    it('is refused, with the rule and an audit entry, to someone who may neither request nor approve', async () => {
      const jobId = await queued();
      const reply = await run(`cancel ${jobId}`, MALLORY);
      expect(reply).toMatchObject({
        kind: 'error',
        error: {
          code: 'permission_denied',
          message: expect.stringMatching(/^You may not cancel this rollback of kaizen: only its requester/),
          hint: expect.stringContaining('permissions.request'),
        },
      });
      expect(await domain.queueState(jobId)).toBe('waiting');
      expect(await domain.locks.holder('kaizen')).toBe(jobId);
      expect((await domain.auditOf(jobId)).map((e) => [e.type, e.actor.name])).toContainEqual([
        'denied',
        'mallory',
      ]);
    });

    it('a waiting plan follows the Cancel button rule: its requester or an approver only', async () => {
      const jobId = await queued('kaizen-gated');
      expect(await run(`cancel ${jobId}`, DAVE)).toMatchObject({
        kind: 'error',
        error: {
          code: 'permission_denied',
          message: 'Only the requester or an approver can cancel this plan.',
        },
      });
      expect(await domain.approvals.isPending(jobId)).toBe(true);
      expect(notice(await run(`cancel ${jobId}`, CAROL))).toMatch(/^Cancelled: the rollback of kaizen-gated/);
    });

    it('an approver of a service that takes approvals may cancel its queued rollback', async () => {
      const jobId = await queued('kaizen-gated');
      await domain.approvals.approve(jobId, CAROL);
      expect(await domain.queueState(jobId)).toBe('waiting');
      expect(notice(await run(`cancel ${jobId}`, CAROL))).toMatch(
        new RegExp(`^Cancelled ${jobId}\\. .*by carol`),
      );
      expect(await domain.queueState(jobId)).toBe('unknown');
    });

    it('says cancel is not available on a bot built without it', async () => {
      const bare = new CommandHandler(domain.rollbacks, silentLogger());
      const jobId = await queued();
      expect(await bare.handle(`cancel ${jobId}`, as(ALICE))).toMatchObject({
        kind: 'error',
        error: { code: 'not_available' },
      });
      expect(await domain.queueState(jobId)).toBe('waiting');
    });
  });

  describe('release', () => {
    it('clears the rolled-back mark, shows it on the rollback and audits it; a second release has nothing to release', async () => {
      const jobId = await queued();
      const snapshot = (await domain.progress.get(jobId)) as ProgressSnapshot;
      await domain.progress.publish({ ...snapshot, version: snapshot.version + 1, state: 'succeeded' });
      await domain.locks.release('kaizen', jobId);
      const at = domain.clock.now().toISOString();
      await domain.marks.set({
        service: 'kaizen',
        by: { id: ALICE.id, name: 'alice' },
        at,
        jobId,
        to: 'v0.7.0',
      });
      expect(notice(await run('status kaizen'))).toContain(
        `Marked rolled back: alice rolled it back to v0.7.0 at ${at} (job ${jobId}).`,
      );

      const text = notice(await run('release kaizen --reason "fixed forward in v0.8.1"', BOB));
      expect(text).toBe(
        `Released kaizen: it is no longer marked rolled back (rolled back to v0.7.0 by alice, job ${jobId}). ` +
          'Deploys may go ahead. Reason: fixed forward in v0.8.1',
      );
      expect(await domain.marks.get('kaizen')).toBeUndefined();
      expect((await domain.progress.get(jobId))?.released).toMatchObject({
        by: { name: 'bob' },
        reason: 'fixed forward in v0.8.1',
      });
      expect((await domain.auditOf(jobId)).at(-1)).toMatchObject({
        type: 'released',
        actor: { name: 'bob' },
        detail: 'reason: fixed forward in v0.8.1',
      });

      expect(await run('release kaizen --reason "again"', BOB)).toMatchObject({
        kind: 'error',
        error: {
          code: 'not_rolled_back',
          message: 'kaizen is not marked rolled back; there is nothing to release.',
        },
      });
    });

    it('is refused to someone who may not request rollbacks of the service; the mark stays', async () => {
      const mark = {
        service: 'kaizen',
        by: { id: ALICE.id, name: 'alice' },
        at: 'x',
        jobId: 'j',
        to: 'v0.7.0',
      };
      await domain.marks.set(mark);
      expect(await run('release kaizen --reason "mine now"', MALLORY)).toMatchObject({
        kind: 'error',
        error: { code: 'permission_denied' },
      });
      expect(await domain.marks.get('kaizen')).toEqual(mark);
    });
  });

  describe('errors', () => {
    it('an unknown service: an InputError with its near-miss suggestions', async () => {
      const reply = await run('kaizn v0.7.0');
      expect(reply).toEqual({
        kind: 'error',
        error: {
          code: 'unknown_service',
          message: 'Unknown service "kaizn".',
          hint: expect.stringContaining('kaizen'),
          suggestions: ['kaizen'],
        },
      });
      expect(await run('history kaizn')).toMatchObject({ error: { suggestions: ['kaizen'] } });
    });

    it("the strategy's InputError (an unknown version) with what is valid; nothing locked", async () => {
      expect(await run('kaizen v9.9.9')).toEqual({
        kind: 'error',
        error: {
          code: 'unknown_version',
          message: 'kaizen has no version "v9.9.9".',
          hint: 'Versions: v0.8.0, v0.7.0, v0.6.0.',
        },
      });
      expect(await domain.locks.holder('kaizen')).toBeUndefined();
    });

    it('any other RollbackError: its code, message and hint, logged as a warning', async () => {
      domain.strategy.versionsFailure = new PermanentError(
        'kubernetes_forbidden',
        'The cluster refused to list the ReplicaSets of kaizen (403).',
        { hint: 'Let the bot list replicasets in namespace default.' },
      );
      expect(await run('versions kaizen')).toEqual({
        kind: 'error',
        error: {
          code: 'kubernetes_forbidden',
          message: 'The cluster refused to list the ReplicaSets of kaizen (403).',
          hint: 'Let the bot list replicasets in namespace default.',
        },
      });
      expect(logged.lines).toContainEqual(expect.objectContaining({ level: 40, msg: 'command failed' }));
    });

    it('an unexpected error: a generic message that leaks nothing, and the details in the log', async () => {
      domain.strategy.versionsFailure = new Error(
        'connect ECONNREFUSED 10.1.2.3:6443 Authorization: Bearer xoxb-secret-123',
      );
      const reply = await run('versions kaizen');
      expect(reply).toEqual({
        kind: 'error',
        error: {
          code: 'internal',
          message: 'Something went wrong on the bot while handling this command; nothing was changed.',
          hint: expect.any(String),
        },
      });
      expect(JSON.stringify(reply)).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|xoxb/);
      expect(logged.lines).toContainEqual(
        expect.objectContaining({ level: 50, msg: 'command failed unexpectedly' }),
      );
    });
  });
});
