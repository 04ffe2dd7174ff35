import { setTimeout as sleep } from 'node:timers/promises';
import type { App, RespondArguments } from '@slack/bolt';
import type { CommandHandler } from '../../commands/command-handler.js';
import type { CommandReply } from '../../commands/command-reply.js';
import type { Logger } from '../../observability/logger.js';
import { slackErrorCode } from './slack-error-code.js';
import { renderCommandReply } from '../../render/slack/render-command-reply.js';

export interface SlackHandlerOptions {
  commands: CommandHandler;
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

  app.command(/^\/rollback/, async ({ command, ack, respond }) => {
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
    const reply = await work;
    await respondWithRetry(() => respond({ ...toEphemeral(reply, options), replace_original: false }), log);
  });
}

function toEphemeral(
  reply: CommandReply,
  options: SlackHandlerOptions,
): RespondArguments & { response_type: 'ephemeral' } {
  const rendered = renderCommandReply(reply, options.reportUrl ? { reportUrl: options.reportUrl } : {});
  return { response_type: 'ephemeral', text: rendered.text, blocks: rendered.blocks as never };
}

async function respondWithRetry(send: () => Promise<unknown>, log: Logger): Promise<void> {
  for (let attempt = 1; attempt <= 4; attempt++) {
    try {
      await send();
      return;
    } catch (error) {
      // Never the error object itself: it carries the response_url, a link that can post to the channel.
      log.warn({ code: slackErrorCode(error), attempt }, 'could not answer through response_url');
      await sleep(250 * 2 ** attempt);
    }
  }
}

/** Slack sends `&`, `<` and `>` in command text as HTML entities; the parser sees what the user typed. */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
