import type { webApi } from '@slack/bolt';
import type { SlackMessage } from '../../render/slack/block-kit.js';
import { callSlack } from './call-slack.js';

/**
 * Posts a new message in a channel (incident announcements, plans asked for from PagerDuty, post-mortem
 * reminders). Slack's refusals that retrying cannot fix are PermanentError, the rest RetryableError, so
 * the queue that called it retries with backoff.
 */
export function slackChannelPoster(
  client: webApi.WebClient,
): (channel: string, message: SlackMessage) => Promise<void> {
  return async (channel, message) => {
    await callSlack(() =>
      client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks as never,
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
  };
}
