import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import type { CommandHandler } from '../../commands/command-handler.js';
import type { Logger } from '../../observability/logger.js';
import { slackErrorCode } from './slack-error-code.js';
import { replyError, type CommandReply } from '../../commands/command-reply.js';
import { incidentReason, requestIncidentRollback } from '../../commands/incident-rollback-request.js';
import { INCIDENT_ROLLBACK_ACTION, parseIncidentButton } from '../../render/slack/render-incident.js';
import type { RedisIncidentRollbacks } from '../../stores/redis-incident-rollbacks.js';
import { renderCommandReply } from '../../render/slack/render-command-reply.js';
import { APPROVE_ACTION, CANCEL_ACTION } from '../../render/slack/render-approval.js';
import type { ApprovalAnswer, ApprovalService } from '../../rollback/approval-service.js';
import { describeError, InputError, RollbackError } from '../../errors/rollback-error.js';
import type { Requester } from '../../rollback/progress-snapshot.js';

export interface SlackActionOptions {
  approvals: ApprovalService;
  /** The Cancel button of a job that is no longer waiting for approval is `/rollback cancel <job>`. */
  commands: CommandHandler;
  log: Logger;
  /** Remembers the rollbacks asked for from an incident announcement (for its post-mortem reminder). */
  incidentRollbacks?: Pick<RedisIncidentRollbacks, 'add'>;
  reportUrl?: (jobId: string) => string | undefined;
}

/**
 * The status message's buttons. Each click is acknowledged at once (Slack allows 3 s) and answered
 * ephemerally through response_url; the status message itself is redrawn from the new snapshot.
 */
export function registerSlackActions(app: App, options: SlackActionOptions): void {
  const { approvals, commands, log } = options;

  app.action<BlockButtonAction>(APPROVE_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    const actor = clicker(body);
    await answer(respond, log, () => approvals.approve(action.value ?? '', actor));
  });

  app.action<BlockButtonAction>(INCIDENT_ROLLBACK_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    const reply = await incidentButtonClicked(options, action.value ?? '', clicker(body), body.channel?.id);
    const reportUrl = options.reportUrl;
    await send(respond, log, renderCommandReply(reply, reportUrl ? { reportUrl } : {}));
  });

  app.action<BlockButtonAction>(CANCEL_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    const actor = clicker(body);
    const jobId = action.value ?? '';
    if (await approvals.isPending(jobId).catch(() => false)) {
      await answer(respond, log, () => approvals.cancel(jobId, actor));
      return;
    }
    const reply = await commands.execute(
      { kind: 'cancel', jobId },
      { requester: actor, channel: body.channel?.id ?? '' },
    );
    await send(respond, log, renderCommandReply(reply));
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

function clicker(body: BlockButtonAction): Requester {
  return { id: body.user.id, name: body.user.username ?? body.user.name ?? body.user.id, source: 'slack' };
}

async function answer(respond: RespondFn, log: Logger, run: () => Promise<ApprovalAnswer>): Promise<void> {
  try {
    const result = await run();
    await send(respond, log, renderCommandReply({ kind: 'notice', text: result.message }));
  } catch (error) {
    if (!(error instanceof InputError)) log.warn({ error: describeError(error) }, 'a button click failed');
    const described =
      error instanceof RollbackError
        ? replyError(error)
        : {
            code: 'internal' as const,
            message: 'Something went wrong on the bot; nothing was changed.',
            hint: 'Try again.',
          };
    await send(respond, log, renderCommandReply({ kind: 'error', error: described }));
  }
}

async function send(
  respond: RespondFn,
  log: Logger,
  message: { text: string; blocks: unknown[] },
): Promise<void> {
  try {
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: message.text,
      blocks: message.blocks as never,
    });
  } catch (error) {
    // Never the error object itself: it carries the response_url, a link that can post to the channel.
    log.warn({ code: slackErrorCode(error) }, 'could not answer a button click through response_url');
  }
}
