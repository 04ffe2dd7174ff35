import { retryAfterOf } from '../errors/retry-later-error.js';

export interface OutboxPolicy {
  /** Delivery attempts per notification, the first included. */
  attempts: number;
  /** First retry after about this long; doubling up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long enqueue may take before it gives up with `outbox_unavailable`. */
  enqueueTimeoutMs: number;
  /** How soon a notification held behind an earlier one looks again (when that one has no retry time). */
  orderPollMs: number;
}

/**
 * 200 attempts, from 1 s doubling to 5 minutes (each wait jittered between half and all of that): between
 * about 8 and 16 hours in all, long enough for a PagerDuty or Slack outage.
 */
export const DEFAULT_OUTBOX_POLICY: OutboxPolicy = {
  attempts: 200,
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  enqueueTimeoutMs: 2_000,
  orderPollMs: 250,
};

/** PagerDuty's own wait is capped at an hour, so a bad header cannot park a notification for days. */
const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * Delay before attempt `attemptsMade + 1`: the wait the destination asked for (Retry-After, rate-limit
 * reset) when it said, else exponential with jitter (half to full of base·2^(n-1), capped).
 */
export function outboxRetryDelay(policy: OutboxPolicy, attemptsMade: number, error: unknown): number {
  const asked = retryAfterOf(error);
  if (asked !== undefined) return Math.min(MAX_RETRY_AFTER_MS, Math.max(asked, policy.baseDelayMs));
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
