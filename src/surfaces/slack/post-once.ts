import type { webApi } from '@slack/bolt';
import type { CallPriority } from '../../stores/redis-slack-rate-limiter.js';
import type { PostIntent, SlackStatusStore } from '../../stores/slack-status-store.js';
import { findPostedMessage, postMetadata, type PostedPart } from './find-posted-message.js';
import type { SlackCalls } from './slack-calls.js';

export interface PostOnceDrawing {
  client: webApi.WebClient;
  store: SlackStatusStore;
  calls: SlackCalls;
}

export interface PostOnceRequest {
  jobId: string;
  part: PostedPart;
  channel: string;
  /** The status message's ts, for a part posted in its thread. */
  threadTs?: string;
  priority: CallPriority;
  text: string;
  blocks?: unknown;
  /** Counts the post against the rollback's call allowance before it goes. */
  charge?: () => Promise<void>;
  /** Counts the look-up for a post left by a crash (it must go, whatever the post's own charge). */
  chargeLookUp?: () => Promise<void>;
}

/** Where the part is in Slack; `adopted` when it was found there (posted before a crash, never recorded). */
export interface PostedOnce {
  channel: string;
  ts: string;
  adopted: boolean;
}

/** The post intent of a part of the status drawing. */
export function intentOf(part: PostedPart): PostIntent {
  return part.kind === 'step' ? `step:${part.stepId}` : part.kind;
}

/**
 * Posts one part of a rollback's drawing (the status message, a step's thread reply, the checklists) at most
 * once: when a post intent was left behind (a crash between Slack's answer and the record), the part is first
 * looked for in Slack by its metadata and adopted; otherwise it is posted with that metadata, the intent
 * recorded right before the call goes (and forgotten when Slack refuses the post with 429). The caller records the returned ts (which clears the intent).
 */
export async function postOnce(drawing: PostOnceDrawing, request: PostOnceRequest): Promise<PostedOnce> {
  const { client, store, calls } = drawing;
  const { jobId, part, channel, threadTs, priority, text, blocks, charge, chargeLookUp } = request;
  const intent = intentOf(part);
  const where = threadTs === undefined ? { channel } : { channel, threadTs };
  const found = (await store.intended(jobId, intent))
    ? await findPostedMessage(client, calls, where, jobId, part, chargeLookUp ? { before: chargeLookUp } : {})
    : undefined;
  if (found !== undefined) return { channel, ts: found, adopted: true };
  const posted = await calls.call(
    'chat.postMessage',
    channel,
    priority,
    () =>
      client.chat.postMessage({
        channel,
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        text,
        ...(blocks === undefined ? {} : { blocks: blocks as never }),
        metadata: postMetadata(jobId, part),
      }),
    {
      before: async () => {
        await charge?.();
        await store.intend(jobId, intent);
      },
      // Refused with 429: Slack took nothing, so the next attempt posts without looking first.
      refused: () => store.withdraw(jobId, intent),
    },
  );
  return { channel: String(posted.channel ?? channel), ts: String(posted.ts), adopted: false };
}
