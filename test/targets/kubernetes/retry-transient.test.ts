import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { CancelledError, PermanentError, RetryableError } from '../../../src/errors/rollback-error.js';
import { backoffDelay, retryTransient } from '../../../src/targets/kubernetes/retry-transient.js';

const policy = { attempts: 3, baseDelayMs: 1 };

describe('retryTransient', () => {
  it('retries retryable failures and returns the first success', async () => {
    let calls = 0;
    const result = await retryTransient(
      async () => {
        calls += 1;
        if (calls < 3) throw new RetryableError('kubernetes_unavailable', 'busy');
        return 'ok';
      },
      { policy, log: silentLogger(), what: 'test' },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up after the last attempt and never retries permanent errors or refused ones', async () => {
    let calls = 0;
    const failing = async (): Promise<never> => {
      calls += 1;
      throw new RetryableError('kubernetes_unavailable', 'busy');
    };
    await expect(
      retryTransient(failing, { policy, log: silentLogger(), what: 'test' }),
    ).rejects.toMatchObject({ code: 'kubernetes_unavailable' });
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      retryTransient(failing, { policy, log: silentLogger(), what: 'test', shouldRetry: () => false }),
    ).rejects.toBeInstanceOf(RetryableError);
    expect(calls).toBe(1);
    calls = 0;
    const permanent = async (): Promise<never> => {
      calls += 1;
      throw new PermanentError('kubernetes_not_found', 'gone');
    };
    await expect(
      retryTransient(permanent, { policy, log: silentLogger(), what: 'test' }),
    ).rejects.toBeInstanceOf(PermanentError);
    expect(calls).toBe(1);
  });

  it('stops waiting when cancelled', async () => {
    const controller = new AbortController();
    const pending = retryTransient(
      async () => {
        throw new RetryableError('kubernetes_unavailable', 'busy');
      },
      {
        policy: { attempts: 5, baseDelayMs: 10_000 },
        log: silentLogger(),
        what: 'test',
        signal: controller.signal,
      },
    );
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });

  it('backs off exponentially with jitter between half and all of the step', () => {
    const p = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(p, 1, () => 0)).toBe(50);
    expect(backoffDelay(p, 3, () => 0.999)).toBeLessThanOrEqual(400);
    expect(backoffDelay(p, 3, () => 0)).toBe(200);
    expect(backoffDelay(p, 10, () => 0)).toBe(500);
  });
});
