import { setTimeout as sleep } from 'node:timers/promises';
import type { App, RespondArguments } from '@slack/bolt';
import type { SlackReply } from '../../queue/slack-reply-queue.js';
import type { CommandHandler } from '../../commands/command-handler.js';
import type { CommandReply } from '../../commands/command-reply.js';
import type { Logger } from '../../observability/logger.js';
import { renderCommandReply } from '../../render/slack/render-command-reply.js';

export interface SlackHandlerOptions {
  commands: CommandHandler;
  /** Where answers that do not fit in the acknowledgement go: kept until Slack takes them. */
  replies: { send(reply: SlackReply): Promise<void> };
  log: Logger;
  /** How long to wait for the answer before acknowledging with "working on it" (Slack allows 3 s). */
  ackBudgetMs?: number;
  /** Link to a rollback's report page, shown in the plan. */
  reportUrl?: (jobId: string) => string | undefined;
}

/**
 * `/rollback ...` from Slack: parse, run through the neutral command handler, and answer ephemerally —
 * in the acknowledgement itself when the plan is ready within the budget, otherwise through response_url.
 */
export function registerSlackHandlers(app: App, options: SlackHandlerOptions): void {
  const budget = options.ackBudgetMs ?? 2_300;
  const { log } = options;

  app.command(/^\/rollback/, async ({ command, ack }) => {
    const requestedAt = Date.now();
    const work = options.commands.handle(decodeSlackEntities(command.text ?? ''), {
      requester: { id: command.user_id, name: command.user_name, source: 'slack' },
      channel: command.channel_id,
      ...(command.channel_name ? { channelName: command.channel_name } : {}),
    });
    const early = await Promise.race([work, sleep(budget).then(() => undefined)]);
    if (early) {
      await ack(toEphemeral(early, options));
      return;
    }
    await ack({
      response_type: 'ephemeral',
      text: 'Working on it: reading the current state of the service…',
    });
    const reply = renderCommandReply(await work, options.reportUrl ? { reportUrl: options.reportUrl } : {});
    await options.replies
      .send({
        responseUrl: command.response_url,
        channel: command.channel_id,
        user: command.user_id,
        text: reply.text,
        blocks: reply.blocks,
        requestedAt,
      })
      .catch((error: unknown) => log.error({ err: error }, 'could not queue the answer to a command'));
  });
}

function toEphemeral(
  reply: CommandReply,
  options: SlackHandlerOptions,
): RespondArguments & { response_type: 'ephemeral' } {
  const rendered = renderCommandReply(reply, options.reportUrl ? { reportUrl: options.reportUrl } : {});
  return { response_type: 'ephemeral', text: rendered.text, blocks: rendered.blocks as never };
}

/** Slack sends `&`, `<` and `>` in command text as HTML entities; the parser sees what the user typed. */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
