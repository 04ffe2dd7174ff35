import { describe, expect, it } from 'vitest';
import { DEFAULT_OUTBOX_POLICY, outboxRetryDelay } from '../../src/outbox/outbox-policy.js';
import { RetryableError } from '../../src/errors/rollback-error.js';
import { RetryLaterError } from '../../src/errors/retry-later-error.js';

const plain = new RetryableError('pagerduty_unavailable', '500');

describe('outboxRetryDelay', () => {
  it('waits what the destination asked for (Retry-After), at most an hour', () => {
    const asked = new RetryLaterError('pagerduty_rate_limited', '429', 42_000);
    expect(outboxRetryDelay(DEFAULT_OUTBOX_POLICY, 1, asked)).toBe(42_000);
    expect(outboxRetryDelay(DEFAULT_OUTBOX_POLICY, 150, asked)).toBe(42_000);
    const tooLong = new RetryLaterError('status_page_unavailable', '503', 7 * 24 * 3600_000);
    expect(outboxRetryDelay(DEFAULT_OUTBOX_POLICY, 1, tooLong)).toBe(3600_000);
  });

  it('otherwise backs off exponentially with jitter, capped at five minutes', () => {
    for (let i = 0; i < 50; i++) {
      const first = outboxRetryDelay(DEFAULT_OUTBOX_POLICY, 1, plain);
      expect(first).toBeGreaterThanOrEqual(500);
      expect(first).toBeLessThanOrEqual(1_000);
      const late = outboxRetryDelay(DEFAULT_OUTBOX_POLICY, 40, plain);
      expect(late).toBeGreaterThanOrEqual(150_000);
      expect(late).toBeLessThanOrEqual(300_000);
    }
  });

  it('the default policy keeps trying for 8 to 16 hours', () => {
    let worst = 0;
    let least = 0;
    for (let attempt = 1; attempt < DEFAULT_OUTBOX_POLICY.attempts; attempt++) {
      const ceiling = Math.min(
        DEFAULT_OUTBOX_POLICY.maxDelayMs,
        DEFAULT_OUTBOX_POLICY.baseDelayMs * 2 ** (attempt - 1),
      );
      worst += ceiling;
      least += ceiling / 2;
    }
    expect(least / 3600_000).toBeGreaterThan(7.5);
    expect(worst / 3600_000).toBeGreaterThan(15.5);
  });
});
