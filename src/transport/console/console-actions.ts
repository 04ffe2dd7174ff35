import type { CommandHandler } from '../../commands/command-handler.js';
import { replyError, type CommandReply } from '../../commands/command-reply.js';
import { RollbackError } from '../../errors/rollback-error.js';
import type { Logger } from '../../observability/logger.js';
import type { ChecklistService } from '../../rollback/checklist-service.js';
import type { Requester } from '../../rollback/progress-snapshot.js';
import { renderConsoleReply } from '../../render/html/console-reply.js';
import { ConsoleRequestError, consoleRequester, stringField } from './console-request.js';

/** The application service the Slack buttons call (ApprovalService); errors are its refusals. */
export interface ConsoleApprovals {
  approve(jobId: string, actor: Requester): Promise<{ message: string }>;
  /** Withdraws a plan still waiting for approvals. */
  cancel(jobId: string, actor: Requester): Promise<{ message: string }>;
  isPending(jobId: string): Promise<boolean>;
}

export interface ConsoleActionDeps {
  commands: CommandHandler;
  log: Logger;
  /** Without it, approving answers that it is not available. */
  approvals?: ConsoleApprovals | undefined;
  /** Without it, the checklists have no checkboxes and ticking answers that it is not available. */
  checklists?: Pick<ChecklistService, 'set'> | undefined;
}

const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * `POST /console/actions` `{name, action: approve|cancel, jobId}`: a click on a status card's button;
 * `{name, action: tick|untick, jobId, listId, itemId}`: a click on a checklist item's checkbox.
 */
export async function consoleAction(
  deps: ConsoleActionDeps,
  body: Record<string, unknown>,
): Promise<{ kind: string; html: string }> {
  const requester = consoleRequester(body);
  const action = stringField(body, 'action', 20);
  const jobId = stringField(body, 'jobId', 128);
  if (!JOB_ID.test(jobId)) throw new ConsoleRequestError(400, 'Not a job id.');
  if (action === 'tick' || action === 'untick') return tick(deps, body, jobId, requester, action === 'tick');
  let result: CommandReply;
  if (action === 'cancel') result = await cancel(deps, jobId, requester);
  else if (action === 'approve') result = await approve(deps, jobId, requester);
  else throw new ConsoleRequestError(400, 'Unknown action: use approve or cancel.');
  const label = action === 'cancel' ? 'Cancel rollback' : 'Approve';
  return {
    kind: result.kind,
    html: renderConsoleReply(result, {
      name: requester.name,
      text: `${label} on job ${jobId}`,
      clicked: true,
    }).value,
  };
}

/**
 * As the Slack checkbox: the checklist service records who and when, audits it and publishes a new
 * snapshot (the card is redrawn from the event stream, so a tick answers nothing to draw); a refusal
 * (no such item) is answered to the clicker only.
 */
async function tick(
  deps: ConsoleActionDeps,
  body: Record<string, unknown>,
  jobId: string,
  requester: Requester,
  done: boolean,
): Promise<{ kind: string; html: string }> {
  const listId = stringField(body, 'listId', 128);
  const itemId = stringField(body, 'itemId', 128);
  if (!JOB_ID.test(listId) || !JOB_ID.test(itemId))
    throw new ConsoleRequestError(400, 'Not a checklist item.');
  const checklists = deps.checklists;
  if (!checklists) throw new ConsoleRequestError(404, 'Ticking checklists is not available on this bot.');
  try {
    await checklists.set({ jobId, listId, itemId, done, by: requester });
    return { kind: 'ticked', html: '' };
  } catch (error) {
    if (!(error instanceof RollbackError)) throw error;
    const result: CommandReply = { kind: 'error', error: replyError(error) };
    const text = `${done ? 'Tick' : 'Untick'} ${listId}/${itemId} on job ${jobId}`;
    return {
      kind: result.kind,
      html: renderConsoleReply(result, { name: requester.name, text, clicked: true }).value,
    };
  }
}

/** As the Slack Approve button: the approval service decides (two-person rule, approvers, expiry). */
async function approve(deps: ConsoleActionDeps, jobId: string, actor: Requester): Promise<CommandReply> {
  const approvals = deps.approvals;
  if (!approvals) {
    return {
      kind: 'error',
      error: {
        code: 'not_available',
        message: 'Approving is not available on this bot.',
        hint: 'Cancel the request, or ask an operator.',
      },
    };
  }
  return noticeOrError(deps.log, jobId, () => approvals.approve(jobId, actor));
}

/** As the Slack Cancel button: withdraws a plan awaiting approval, else `/rollback cancel <job>`. */
async function cancel(deps: ConsoleActionDeps, jobId: string, actor: Requester): Promise<CommandReply> {
  const approvals = deps.approvals;
  if (approvals && (await approvals.isPending(jobId).catch(() => false))) {
    return noticeOrError(deps.log, jobId, () => approvals.cancel(jobId, actor));
  }
  return deps.commands.execute({ kind: 'cancel', jobId }, { requester: actor });
}

async function noticeOrError(
  log: Logger,
  jobId: string,
  run: () => Promise<{ message: string }>,
): Promise<CommandReply> {
  try {
    return { kind: 'notice', text: (await run()).message };
  } catch (error) {
    if (error instanceof RollbackError) return { kind: 'error', error: replyError(error) };
    log.error({ err: error, jobId }, 'a console button failed unexpectedly');
    return {
      kind: 'error',
      error: {
        code: 'internal',
        message: 'Something went wrong on the bot; nothing was changed.',
        hint: 'Try again; if it keeps failing, look at the bot logs.',
      },
    };
  }
}
