import type { Logger } from '../observability/logger.js';
import { describeError, InputError, RollbackError } from '../errors/rollback-error.js';
import { isStoreUnavailable, storeUnavailable } from '../errors/store-unavailable.js';
import type { IncidentLink, RollbackRequest } from '../rollback/plan.js';
import type { Requester } from '../rollback/progress-snapshot.js';
import type { ApprovalService } from '../rollback/approval-service.js';
import type { CancelService } from '../rollback/cancel-service.js';
import type { EvidenceSnapshots } from '../rollback/evidence-snapshots.js';
import type { RollbackService } from '../rollback/rollback-service.js';
import { suggestCommand } from '../errors/suggested-command.js';
import { replyError, type CommandReply, type ReplyError } from './command-reply.js';
import { invalidCommandError, parseCommand } from './parse-command.js';
import type { ParsedCommand } from './parsed-command.js';
import { describeServiceState } from './describe-service-state.js';
import type { IncidentTracker } from '../rollback/ports/incident-tracker.js';
import { lookUpResponders, type ServiceResponders } from './service-responders.js';

export interface CommandContext {
  requester: Requester;
  /** Where the command was typed (a Slack channel id); status messages go there. */
  channel?: string;
  /** The channel's name without `#`, when the surface knows it (for `permissions.channels`). */
  channelName?: string;
  /** The incident a rollback answers (a PagerDuty button or action): its milestones are logged there. */
  incident?: IncidentLink;
  signal?: AbortSignal;
}

/**
 * Runs one `/rollback ...` command text for any surface and returns a neutral reply. It never throws:
 * every failure becomes an error reply that tells the user what happened and what to do.
 */
export class CommandHandler {
  constructor(
    private readonly rollbacks: RollbackService,
    private readonly log: Logger,
    /** `/rollback cancel`; without it the command answers that cancel is not available. */
    private readonly extras: {
      cancels?: CancelService;
      approvals?: ApprovalService;
      /** `/rollback snapshot`; without it the command answers that no evidence is kept. */
      snapshots?: EvidenceSnapshots;
      /** Who is on call (PagerDuty), shown in plans; `timeoutMs` bounds the wait (default 2 s). */
      oncall?: { tracker: Pick<IncidentTracker, 'oncallsFor'>; timeoutMs?: number };
    } = {},
  ) {}

  parse(text: string): ParsedCommand {
    return parseCommand(text);
  }

  /** On call now, contacts and links for the plan and the service status; undefined when the service has none to show. */
  private async responders(name: string): Promise<ServiceResponders | undefined> {
    if (!this.rollbacks.isService(name)) return undefined;
    const service = this.rollbacks.service(name);
    const oncall = this.extras.oncall;
    const responders = await lookUpResponders(
      { tracker: oncall?.tracker, log: this.log, timeoutMs: oncall?.timeoutMs ?? 2000 },
      service,
    );
    const empty =
      responders.oncall === undefined &&
      !responders.oncallUnknown &&
      responders.contacts.length === 0 &&
      !responders.links?.runbook &&
      (responders.links?.dashboards ?? []).length === 0;
    return empty ? undefined : responders;
  }

  async handle(text: string, context: CommandContext): Promise<CommandReply> {
    return this.execute(this.parse(text), context);
  }

  async execute(command: ParsedCommand, context: CommandContext): Promise<CommandReply> {
    try {
      return await this.dispatch(command, context);
    } catch (error) {
      return { kind: 'error', error: this.toReplyError(error) };
    }
  }

  private async dispatch(command: ParsedCommand, context: CommandContext): Promise<CommandReply> {
    const { signal } = context;
    switch (command.kind) {
      case 'help':
        return { kind: 'help' };
      case 'invalid':
        return { kind: 'error', error: invalidCommandError(command) };
      case 'rollback': {
        if (command.breakGlass && context.requester.source !== 'cli') {
          throw new InputError('break_glass_not_allowed', '`--break-glass` is only accepted from the CLI.', {
            hint: 'In chat, ask an approver to approve the rollback instead.',
          });
        }
        const request: RollbackRequest = {
          service: command.service,
          dryRun: command.dryRun,
          requester: context.requester,
          ...(command.version === undefined ? {} : { version: command.version }),
          ...(command.toRevision === undefined ? {} : { toRevision: command.toRevision }),
          ...(command.strategy === undefined ? {} : { strategy: command.strategy }),
          ...(command.reason === undefined ? {} : { reason: command.reason }),
          ...(context.channel === undefined ? {} : { channel: context.channel }),
          ...(context.channelName === undefined ? {} : { channelName: context.channelName }),
          ...(command.breakGlass ? { breakGlass: true } : {}),
          ...(command.force ? { force: true } : {}),
          ...(command.recover ? { recover: true } : {}),
          ...(command.forward ? { forward: true } : {}),
          ...(command.allowUnlisted ? { allowUnlisted: true } : {}),
          ...(command.remedy ? { remedy: command.remedy } : {}),
          ...(context.incident ? { incident: context.incident } : {}),
        };
        // Looked up while the plan is made: PagerDuty never slows the plan by more than its timeout.
        const responders = this.responders(command.service);
        const result = await this.rollbacks.submit(request, signal);
        const shown = await responders;
        return {
          kind: 'plan',
          plan: result.plan,
          enqueued: result.kind === 'enqueued',
          ...(result.kind === 'awaiting_approval' ? { awaitingApproval: result.approval } : {}),
          ...(shown ? { responders: shown } : {}),
        };
      }
      case 'versions': {
        const { service, entries, notes } = await this.rollbacks.versions(command.service, signal);
        return { kind: 'versions', service: service.name, entries, ...(notes.length ? { notes } : {}) };
      }
      case 'status': {
        if (command.jobId === undefined) {
          return { kind: 'recent', title: 'Recent rollbacks', snapshots: await this.rollbacks.recent(5) };
        }
        // Service names are catalog names; job ids carry a time part, so the two never collide.
        if (this.rollbacks.isService(command.jobId)) {
          // Looked up alongside the state: PagerDuty never slows the answer by more than its timeout.
          const [state, responders] = await Promise.all([
            this.rollbacks.serviceState(command.jobId),
            this.responders(command.jobId),
          ]);
          return {
            kind: 'notice',
            ...describeServiceState(state),
            ...(responders ? { responders } : {}),
          };
        }
        const snapshot = await this.rollbacks.status(command.jobId);
        if (!snapshot) {
          throw new InputError('unknown_job', `No rollback with id "${command.jobId}".`, {
            hint: 'The recent rollbacks show their job ids.',
            next: [suggestCommand('status')],
          });
        }
        return { kind: 'status', snapshot };
      }
      case 'history': {
        this.rollbacks.service(command.service);
        return {
          kind: 'recent',
          title: `Last rollbacks of ${command.service}`,
          snapshots: await this.rollbacks.recent(10, command.service),
        };
      }
      case 'cancel':
        if (this.extras.cancels) return this.cancel(command.jobId, context);
        throw new InputError('not_available', '`cancel` is not available on this bot.');
      case 'release': {
        const mark = await this.rollbacks.release(command.service, command.reason, context.requester, {
          ...(context.channel === undefined ? {} : { id: context.channel }),
          ...(context.channelName === undefined ? {} : { name: context.channelName }),
        });
        return {
          kind: 'notice',
          text:
            `Released ${mark.service}: it is no longer marked rolled back (rolled back to ${mark.to} by ${mark.by.name}, job ${mark.jobId}). Deploys may go ahead. Reason: ${command.reason}` +
            (mark.gitops ? `\n${mark.gitops.restored ? '▶️' : '⚠️'} ${mark.gitops.message}` : ''),
        };
      }
      case 'snapshot':
        return this.snapshot(command.service, command.label, context);
    }
  }

  private async snapshot(service: string, label: string, context: CommandContext): Promise<CommandReply> {
    if (!this.extras.snapshots) {
      throw new InputError('evidence_not_configured', 'This bot keeps no evidence bundles.', {
        hint: 'Set EVIDENCE_DIR (or EVIDENCE_S3_BUCKET) where the bot runs.',
      });
    }
    const capture = await this.extras.snapshots.take(service, label, context.requester, context.signal);
    const failed = capture.bundles.flatMap((b) => b.failed.map((f) => `${b.target}: ${f}`));
    const lines = [
      `Snapshot of ${service} (${label}) taken: ${capture.summary}.`,
      ...capture.bundles.map((b) => `Bundle ${b.id} (${b.target})`),
      ...(failed.length > 0 ? [`Not collected: ${failed.join('; ')}`] : []),
    ];
    return { kind: 'notice', text: lines.join('\n') };
  }

  private async cancel(jobId: string, context: CommandContext): Promise<CommandReply> {
    const requester = context.requester;
    const current = await this.rollbacks.status(jobId);
    if (current) {
      await this.rollbacks.authorizeCancel(current, requester, {
        ...(context.channel === undefined ? {} : { channel: context.channel }),
        ...(context.channelName === undefined ? {} : { channelName: context.channelName }),
      });
    }
    // A plan still waiting for approvals is closed where approvals live, exactly as the Cancel button does,
    // so a later Approve can never queue it.
    const approvals = this.extras.approvals;
    if (approvals && current?.state === 'awaiting_approval') {
      const answer = await approvals.cancel(jobId, requester);
      return { kind: 'notice', text: answer.message };
    }
    const outcome = await (this.extras.cancels as CancelService).cancel(jobId, requester);
    const { snapshot } = outcome;
    switch (outcome.kind) {
      case 'cancelled':
        return { kind: 'notice', text: `Cancelled ${jobId}. ${snapshot.outcome?.summary ?? ''}`.trim() };
      case 'requested':
        return {
          kind: 'notice',
          text:
            `Cancel requested for ${jobId} (${snapshot.service}): it stops at the next safe point` +
            `${outcome.runningStep ? `; "${outcome.runningStep}" is running` : ''}. ` +
            'A step that changes the service is never stopped half-way. The status message will say what was and was not done.',
        };
      case 'finished':
        throw new InputError(
          'already_finished',
          `Rollback ${jobId} of ${snapshot.service} already ${snapshot.state}${snapshot.endedAt ? ` at ${snapshot.endedAt}` : ''}: there is nothing to cancel.`,
          {
            ...(snapshot.state === 'succeeded'
              ? {
                  hint: `A finished rollback cannot be cancelled. To change ${snapshot.service} again, start a new rollback or deploy.`,
                }
              : { hint: 'Its status says what happened.', next: [suggestCommand('status', jobId)] }),
          },
        );
    }
  }

  private toReplyError(error: unknown): ReplyError {
    if (error instanceof InputError) return replyError(error);
    if (error instanceof RollbackError) {
      this.log.warn({ error: describeError(error) }, 'command failed');
      return replyError(error);
    }
    if (isStoreUnavailable(error)) {
      this.log.warn({ err: error }, 'command failed: Redis did not answer');
      return replyError(storeUnavailable(error));
    }
    this.log.error({ err: error }, 'command failed unexpectedly');
    return {
      code: 'internal',
      message: 'Something went wrong on the bot while handling this command; nothing was changed.',
      hint: 'Try again; if it keeps failing, look at the bot logs.',
    };
  }
}
