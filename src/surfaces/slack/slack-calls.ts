import { setTimeout as sleep } from 'node:timers/promises';
import { RetryLaterError } from '../../errors/retry-later-error.js';
import type { CallPriority, RedisSlackRateLimiter } from '../../stores/redis-slack-rate-limiter.js';
import { slackFailure } from './call-slack.js';

export interface CallHooks {
  /**
   * Runs once the call may go, right before it is sent: counts it against the rollback's call allowance,
   * records a post intent. A call the rate limiter defers first never reaches it.
   */
  before?: () => Promise<void>;
  /** Runs when Slack refused the call with 429: it took nothing (a post intent can be forgotten). */
  refused?: () => Promise<void>;
}

/** A wait this short is slept through inside the render; a longer one hands the render back to the queue. */
const SLEEP_THROUGH_MS = 300;

/**
 * Web API calls of the status surface, within Slack's rate limits: each call first takes a token from the
 * shared limiter (method tier, channel); when there is none for a while, or Slack answers 429, the render
 * is deferred (`render_deferred` with the wait) instead of queueing calls behind stale snapshots: when it
 * comes back it draws the newest snapshot. Other failures are classified by {@link slackFailure}.
 */
export class SlackCalls {
  constructor(private readonly limiter: RedisSlackRateLimiter | undefined) {}

  async call<T>(
    method: string,
    channel: string,
    priority: CallPriority,
    fn: () => Promise<T>,
    hooks: CallHooks = {},
  ): Promise<T> {
    await this.waitForToken(method, channel, priority);
    await hooks.before?.();
    try {
      return await fn();
    } catch (error) {
      const retryAfterSeconds = rateLimitedFor(error);
      if (retryAfterSeconds === undefined) throw slackFailure(error);
      await hooks.refused?.();
      const retryAfterMs = retryAfterSeconds * 1_000;
      await this.limiter?.pause(method, channel, retryAfterMs);
      throw new RetryLaterError('render_deferred', `Slack rate-limited ${method}`, retryAfterMs, {
        cause: error,
      });
    }
  }

  private async waitForToken(method: string, channel: string, priority: CallPriority): Promise<void> {
    if (!this.limiter) return;
    for (;;) {
      const wait = await this.limiter.take(method, channel, priority);
      if (wait === 0) return;
      if (wait > SLEEP_THROUGH_MS) {
        throw new RetryLaterError('render_deferred', `waiting for Slack's rate limit on ${method}`, wait);
      }
      await sleep(wait);
    }
  }
}

/** Retry-After seconds of a 429 the Web API client reported (`rejectRateLimitedCalls`), else undefined. */
function rateLimitedFor(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, retryAfter } = error as { code?: unknown; retryAfter?: unknown };
  if (code !== 'slack_webapi_rate_limited_error') return undefined;
  return typeof retryAfter === 'number' && retryAfter > 0 ? retryAfter : 1;
}
