import type { webApi } from '@slack/bolt';
import type { Deliverer } from '../../outbox/deliverer.js';
import { callSlack } from './call-slack.js';

/** Slack refuses a scheduled message less than this far ahead, or more than 120 days ahead. */
const MIN_AHEAD_S = 60;

/**
 * Stakeholder messages (`notify.stakeholders`) and the scheduled post-mortem reminder, through the
 * outbox: `chat.postMessage`, or `chat.scheduleMessage` when the notification carries `postAt` (posted
 * at once when that time is too close, or past because Slack was down until then).
 */
export function slackStakeholderDeliverer(client: webApi.WebClient): Deliverer<'slack-stakeholder'> {
  return async (payload) => {
    const now = Math.floor(Date.now() / 1000);
    if (payload.postAt !== undefined && payload.postAt > now + MIN_AHEAD_S) {
      await callSlack(() =>
        client.chat.scheduleMessage({
          channel: payload.channel,
          text: payload.text,
          post_at: payload.postAt as number,
        }),
      );
      return;
    }
    await callSlack(() =>
      client.chat.postMessage({ channel: payload.channel, text: payload.text, unfurl_links: false }),
    );
  };
}
