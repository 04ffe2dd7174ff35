import type { webApi } from '@slack/bolt';
import type { CallHooks, SlackCalls } from './slack-calls.js';

/** Message metadata every post of the status surface carries: which rollback, and which part of it. */
export const STATUS_EVENT_TYPE = 'rollback_status';

export type PostedPart = { kind: 'status' } | { kind: 'step'; stepId: string } | { kind: 'checklists' };

/** The metadata argument of a post of `part` of rollback `jobId`. */
export function postMetadata(jobId: string, part: PostedPart) {
  const payload: Record<string, string> = { job_id: jobId, kind: part.kind };
  if (part.kind === 'step') payload.step_id = part.stepId;
  return { event_type: STATUS_EVENT_TYPE, event_payload: payload };
}

interface ListedMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

function matches(message: ListedMessage, jobId: string, part: PostedPart): boolean {
  const payload = message.metadata?.event_payload;
  if (message.metadata?.event_type !== STATUS_EVENT_TYPE || !payload) return false;
  if (payload.job_id !== jobId || payload.kind !== part.kind) return false;
  return part.kind !== 'step' || payload.step_id === part.stepId;
}

/**
 * Looks for a message a render posted but could not record (it crashed, or Slack failed after taking it),
 * by its metadata: the status message among the channel's recent messages, a step reply or the checklists
 * in the status message's thread. Only asked when a post intent was left behind, so it costs nothing in
 * the ordinary run.
 */
export async function findPostedMessage(
  client: webApi.WebClient,
  calls: SlackCalls,
  where: { channel: string; threadTs?: string },
  jobId: string,
  part: PostedPart,
  hooks: CallHooks = {},
): Promise<string | undefined> {
  const { channel, threadTs } = where;
  const listed =
    threadTs === undefined
      ? await calls.call(
          'conversations.history',
          channel,
          'status',
          () => client.conversations.history({ channel, limit: 100, include_all_metadata: true }),
          hooks,
        )
      : await calls.call(
          'conversations.replies',
          channel,
          'status',
          () =>
            client.conversations.replies({ channel, ts: threadTs, limit: 200, include_all_metadata: true }),
          hooks,
        );
  const messages = (listed.messages ?? []) as ListedMessage[];
  return messages.find((m) => matches(m, jobId, part))?.ts;
}
