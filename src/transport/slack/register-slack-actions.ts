import type { App, BlockButtonAction, BlockCheckboxesAction } from '@slack/bolt';
import type { SlackReply } from '../../queue/slack-reply-queue.js';
import type { CommandHandler } from '../../commands/command-handler.js';
import type { Logger } from '../../observability/logger.js';
import { replyError, type CommandReply } from '../../commands/command-reply.js';
import { incidentReason, requestIncidentRollback } from '../../commands/incident-rollback-request.js';
import { INCIDENT_ROLLBACK_ACTION, parseIncidentButton } from '../../render/slack/render-incident.js';
import type { RedisIncidentRollbacks } from '../../stores/redis-incident-rollbacks.js';
import { renderCommandReply } from '../../render/slack/render-command-reply.js';
import { parseRemedyButton, REMEDY_ACTION } from '../../render/slack/render-remedy-buttons.js';
import { REMEDY_LABELS } from '../../rollback/remedy-offer.js';
import { APPROVE_ACTION, CANCEL_ACTION } from '../../render/slack/render-approval.js';
import type { ApprovalAnswer, ApprovalService } from '../../rollback/approval-service.js';
import { describeError, InputError, RollbackError } from '../../errors/rollback-error.js';
import type { Requester } from '../../rollback/progress-snapshot.js';
import type { ChecklistService } from '../../rollback/checklist-service.js';
import { CHECKLIST_ACTION, parseChecklistBlockId } from '../../render/slack/render-interactive-checklists.js';

export interface SlackActionOptions {
  approvals: ApprovalService;
  /** The Cancel button of a job that is no longer waiting for approval is `/rollback cancel <job>`. */
  commands: CommandHandler;
  /** Answers to the clicker, kept until Slack takes them. */
  replies: { send(reply: SlackReply): Promise<void> };
  log: Logger;
  /** Remembers the rollbacks asked for from an incident announcement (for its post-mortem reminder). */
  incidentRollbacks?: Pick<RedisIncidentRollbacks, 'add'>;
  reportUrl?: (jobId: string) => string | undefined;
  /** Ticks and unticks the checklist items of ended rollbacks (the checkboxes of the checklists message). */
  checklists?: Pick<ChecklistService, 'set'>;
}

/** Sends one ephemeral answer to whoever clicked. */
type ClickBody = BlockButtonAction | BlockCheckboxesAction;
type Answer = (message: { text: string; blocks: unknown[] }) => Promise<void>;

/**
 * The status message's buttons. Each click is acknowledged at once (Slack allows 3 s) and answered
 * ephemerally through response_url; the status message itself is redrawn from the new snapshot.
 */
export function registerSlackActions(app: App, options: SlackActionOptions): void {
  const { approvals, commands, log } = options;
  const replyTo = (body: ClickBody): Answer => {
    const requestedAt = Date.now();
    return (message) =>
      options.replies
        .send({
          responseUrl: body.response_url,
          ...(body.channel?.id ? { channel: body.channel.id } : {}),
          user: body.user.id,
          text: message.text,
          blocks: message.blocks,
          requestedAt,
        })
        .catch((error: unknown) => log.error({ err: error }, 'could not queue the answer to a click'));
  };

  app.action<BlockButtonAction>(APPROVE_ACTION, async ({ ack, body, action }) => {
    await ack();
    const actor = clicker(body);
    await answer(replyTo(body), log, () => approvals.approve(action.value ?? '', actor));
  });

  app.action<BlockButtonAction>(INCIDENT_ROLLBACK_ACTION, async ({ ack, body, action }) => {
    await ack();
    const reply = await incidentButtonClicked(options, action.value ?? '', clicker(body), body.channel?.id);
    const reportUrl = options.reportUrl;
    await replyTo(body)(renderCommandReply(reply, reportUrl ? { reportUrl } : {}));
  });

  app.action<BlockCheckboxesAction>(CHECKLIST_ACTION, async ({ ack, body, action }) => {
    await ack();
    const checklists = options.checklists;
    const target = parseChecklistBlockId(action.block_id);
    if (!checklists || !target) return;
    const done = action.selected_options.some((o) => o.value === 'done');
    const by = clicker(body);
    try {
      await checklists.set({ ...target, done, by });
    } catch (error) {
      if (!(error instanceof InputError))
        log.warn({ error: describeError(error) }, 'a checklist tick failed');
      const described = error instanceof RollbackError ? replyError(error) : internalError();
      await replyTo(body)(renderCommandReply({ kind: 'error', error: described }));
    }
  });

  // The diagnosis message's buttons: a new job through the command handler (permissions, approvals, lock,
  // audit), run by the worker. Nothing is changed here.
  app.action<BlockButtonAction>(new RegExp(`^${REMEDY_ACTION}:`), async ({ ack, body, action }) => {
    await ack();
    const button = parseRemedyButton(action.value ?? '');
    const reply: CommandReply = button
      ? await commands.execute(
          {
            kind: 'rollback',
            service: button.service,
            dryRun: false,
            breakGlass: false,
            reason: `${REMEDY_LABELS[button.kind]} after the failed rollout of ${button.fromJob}`,
            remedy: { kind: button.kind, fromJob: button.fromJob },
          },
          {
            requester: clicker(body),
            channel: body.channel?.id ?? '',
            ...(body.channel?.name ? { channelName: body.channel.name } : {}),
          },
        )
      : {
          kind: 'error',
          error: { code: 'remedy_not_offered', message: 'This button cannot be read; nothing was done.' },
        };
    const reportUrl = options.reportUrl;
    await replyTo(body)(renderCommandReply(reply, reportUrl ? { reportUrl } : {}));
  });

  app.action<BlockButtonAction>(CANCEL_ACTION, async ({ ack, body, action }) => {
    await ack();
    const actor = clicker(body);
    const jobId = action.value ?? '';
    if (await approvals.isPending(jobId).catch(() => false)) {
      await answer(replyTo(body), log, () => approvals.cancel(jobId, actor));
      return;
    }
    const reply = await commands.execute(
      { kind: 'cancel', jobId },
      { requester: actor, channel: body.channel?.id ?? '' },
    );
    await replyTo(body)(renderCommandReply(reply));
  });
}

/** "Roll back to …" on an incident announcement: `/rollback <service> <version>` with the incident attached. */
async function incidentButtonClicked(
  options: SlackActionOptions,
  value: string,
  actor: Requester,
  channel: string | undefined,
): Promise<CommandReply> {
  const button = parseIncidentButton(value);
  if (!button || channel === undefined)
    return {
      kind: 'error',
      error: {
        code: 'incident_button_invalid',
        message: 'This button cannot be read; nothing was done.',
        hint: 'Type the rollback instead: /rollback <service> <version>.',
      },
    };
  return requestIncidentRollback(
    {
      commands: options.commands,
      ...(options.incidentRollbacks ? { incidentRollbacks: options.incidentRollbacks } : {}),
    },
    {
      service: button.service,
      ...(button.version === undefined ? {} : { version: button.version }),
      reason: incidentReason(button.incident),
      requester: actor,
      channel,
      incident: button.incident,
    },
  );
}

function clicker(body: ClickBody): Requester {
  return { id: body.user.id, name: body.user.username ?? body.user.name ?? body.user.id, source: 'slack' };
}

async function answer(send: Answer, log: Logger, run: () => Promise<ApprovalAnswer>): Promise<void> {
  try {
    const result = await run();
    await send(renderCommandReply({ kind: 'notice', text: result.message }));
  } catch (error) {
    if (!(error instanceof InputError)) log.warn({ error: describeError(error) }, 'a button click failed');
    const described = error instanceof RollbackError ? replyError(error) : internalError();
    await send(renderCommandReply({ kind: 'error', error: described }));
  }
}

function internalError() {
  return {
    code: 'internal' as const,
    message: 'Something went wrong on the bot; nothing was changed.',
    hint: 'Try again.',
  };
}
