import type { webApi } from '@slack/bolt';
import { PermanentError, RetryableError } from '../../errors/rollback-error.js';
import type { SlackReply } from '../../queue/slack-reply-queue.js';
import { callSlack } from './call-slack.js';

/** Slack accepts a response_url for 30 minutes; a little less, to leave room for the request itself. */
const RESPONSE_URL_LIFETIME_MS = 29 * 60_000;

export interface SlackReplyDelivery {
  /** For chat.postEphemeral when the response_url is used up or expired. */
  client: Pick<webApi.WebClient, 'chat'>;
  fetch?: typeof fetch;
  now?: () => number;
  /** Per attempt (ms); default 10 s. */
  timeoutMs?: number;
}

/**
 * Delivers one queued reply: through its response_url while that is valid, else as `chat.postEphemeral`
 * to the person in the channel. Slack unreachable, 5xx or 429 is retryable; a reply with nowhere left to
 * go is permanent. Errors never carry the response_url (it can post to the channel).
 */
export function slackReplyDeliverer(options: SlackReplyDelivery): (reply: SlackReply) => Promise<void> {
  const now = options.now ?? Date.now;
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async (reply) => {
    const fresh = now() - reply.requestedAt < RESPONSE_URL_LIFETIME_MS;
    if (reply.responseUrl !== undefined && fresh) {
      const status = await postToResponseUrl(fetchFn, reply, timeoutMs);
      if (status < 300) return;
      if (status === 429 || status >= 500)
        throw new RetryableError('slack_unavailable', `Slack answered HTTP ${status} to a reply`);
      // 404/410: the response_url is used up; fall through to an ephemeral message.
    }
    if (reply.channel === undefined || reply.user === undefined)
      throw new PermanentError('reply_undeliverable', 'the reply has no valid response_url nor channel');
    const { channel, user, text } = reply;
    await callSlack(() =>
      options.client.chat.postEphemeral({
        channel,
        user,
        text,
        ...(reply.blocks ? { blocks: reply.blocks as never } : {}),
      }),
    );
  };
}

async function postToResponseUrl(
  fetchFn: typeof fetch,
  reply: SlackReply,
  timeoutMs: number,
): Promise<number> {
  try {
    const response = await fetchFn(reply.responseUrl ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: 'ephemeral',
        replace_original: false,
        text: reply.text,
        ...(reply.blocks ? { blocks: reply.blocks } : {}),
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    const reason = error instanceof Error ? error.name : 'error';
    throw new RetryableError('slack_unavailable', `Slack did not answer a reply (${reason})`);
  }
}
