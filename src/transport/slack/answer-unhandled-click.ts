import { suggestCommand } from '../../errors/suggested-command.js';
import type { SlackReply } from '../../queue/slack-reply-queue.js';
import { renderCommandReply } from '../../render/slack/render-command-reply.js';

interface ClickBody {
  type?: unknown;
  response_url?: unknown;
  user?: { id?: unknown };
  channel?: { id?: unknown };
}

/**
 * The answer to a click no listener handles (a button of an older message, or one whose action the bot no
 * longer has): acknowledged at once by the receiver, then told through its response_url that nothing was
 * done and what to type instead. Other requests (events, view submissions) need no answer.
 */
export function answerUnhandledClick(replies: {
  send(reply: SlackReply): Promise<void>;
}): (body: Record<string, unknown>) => Promise<void> {
  return async (raw) => {
    const body = raw as ClickBody;
    if (body.type !== 'block_actions' || typeof body.response_url !== 'string') return;
    const reply = renderCommandReply({
      kind: 'error',
      error: {
        code: 'button_not_handled',
        message: 'This button is not one the bot handles (it may be on an older message); nothing was done.',
        hint: 'To see where a rollback stands type /rollback status <job>; to stop one, /rollback cancel <job>.',
        next: [suggestCommand('status')],
      },
    });
    await replies.send({
      responseUrl: body.response_url,
      ...(typeof body.channel?.id === 'string' ? { channel: body.channel.id } : {}),
      ...(typeof body.user?.id === 'string' ? { user: body.user.id } : {}),
      text: reply.text,
      blocks: reply.blocks,
      requestedAt: Date.now(),
    });
  };
}
