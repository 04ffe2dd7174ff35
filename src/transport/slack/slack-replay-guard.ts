import type { Logger } from '../../observability/logger.js';
import type { ReplayCache } from '../../stores/replay-cache.js';

/** A Slack signature is accepted while its timestamp is within 5 minutes either way: 10 minutes in all. */
export const SLACK_REPLAY_WINDOW_MS = 10 * 60_000;

/** How long the check may take before the request goes on without it (Slack waits 3 s for the ack). */
const CHECK_TIMEOUT_MS = 750;

export type ReplayVerdict = 'first' | 'replay' | 'retry';

export interface SlackDelivery {
  signature: string;
  rawBody: string;
  /** X-Slack-Retry-Num: Slack sending again a request it thinks went unanswered. */
  retryNum: string | undefined;
}

/**
 * Was this verified Slack request already received? A copy with the same signature is a replay (someone
 * sent the captured request again); a request marked as Slack's retry whose body was already received is
 * a retry of something already handled. Either way it must not act again. When the cache cannot answer
 * quickly (Redis away), the request goes on: what it does next reports Redis plainly to the user.
 */
export async function slackReplayVerdict(
  cache: ReplayCache,
  delivery: SlackDelivery,
  log: Logger,
): Promise<ReplayVerdict> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'first'>((resolve) => {
    timer = setTimeout(() => {
      log.warn('the replay cache did not answer in time; handling the Slack request without it');
      resolve('first');
    }, CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check(cache, delivery), timeout]);
  } catch (error) {
    log.warn({ err: error }, 'the replay cache failed; handling the Slack request without it');
    return 'first';
  } finally {
    clearTimeout(timer);
  }
}

async function check(cache: ReplayCache, delivery: SlackDelivery): Promise<ReplayVerdict> {
  const [signatureSeen, bodySeen] = await Promise.all([
    cache.seen(`slack:sig:${delivery.signature}`, SLACK_REPLAY_WINDOW_MS),
    cache.seen(`slack:body:${delivery.rawBody}`, SLACK_REPLAY_WINDOW_MS),
  ]);
  if (signatureSeen) return 'replay';
  if (delivery.retryNum !== undefined && bodySeen) return 'retry';
  return 'first';
}
