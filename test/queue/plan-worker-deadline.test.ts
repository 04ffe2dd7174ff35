/**
 * A site worker whose plan outlasts the caller's wait (a slow cluster; the Kubernetes client loading on a
 * worker's first plan): the user hears that the plan could not be made in time, never that "the rollback
 * was cancelled", which nobody did. Real BullMQ queues on the real Redis; the strategy is a stand-in whose
 * reads end only when the plan call's signal aborts, as the Kubernetes client's reads do.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.js';
import { serviceSchema } from '../../src/config/service-schema.js';
import { CancelledError } from '../../src/errors/rollback-error.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createPlanWorker } from '../../src/queue/plan-worker.js';
import { SitePlanner } from '../../src/queue/site-planner.js';
import type { Strategy, StrategyCallOptions } from '../../src/rollback/strategy.js';
import { kaizenService } from '../support/kaizen-service.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';
import { Redis } from 'ioredis';
import { refusal } from '../support/refusal.js';

const prefix = testPrefix('plan-worker-deadline');
const connection = { host: '127.0.0.1', port: 6379 };
const redis = new Redis(TEST_REDIS_URL);

/** Reads that answer after `answerMs`, or end in a cancellation when the call's signal aborts first. */
function slowStrategy(answerMs: number): Strategy {
  const read = <T>(value: T, options?: StrategyCallOptions) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => resolve(value), answerMs);
      options?.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(new CancelledError(undefined, { cause: options.signal?.reason }));
        },
        { once: true },
      );
    });
  return {
    name: 'kubernetes',
    supports: () => true,
    listVersions: (_service, options) =>
      read([{ id: 'revision:1', version: 'v0.7.0', description: 'v0.7.0' }], options),
    resolve: (_service, _request, options) =>
      read({ from: 'v0.8.0', to: 'v0.7.0', target: {}, actions: [] }, options),
    steps: () => [],
  };
}

describe('a site worker that cannot finish a plan before its caller stops waiting', () => {
  const bull = `${prefix}:bull`;
  const live = { live: async () => [{ id: 'w1', host: 'x', strategies: ['kubernetes'] }] };
  const catalog = new Catalog([serviceSchema.parse(kaizenService('30s', { site: 'eu-1' }))]);
  const opened: { close(): Promise<void> }[] = [];

  /** A worker and a caller of their own site, so no other test's worker takes their calls. */
  function start(site: string, answerMs: number, timeoutMs: number): SitePlanner {
    const worker = createPlanWorker({
      connection,
      prefix: bull,
      site,
      catalog,
      strategies: new Map([['kubernetes', slowStrategy(answerMs)]]),
      log: silentLogger(),
    });
    const planner = new SitePlanner({
      connection,
      prefix: bull,
      presence: live,
      timeoutMs,
      log: silentLogger(),
    });
    opened.push(worker, planner);
    return planner;
  }

  afterAll(async () => {
    await Promise.all(opened.map((o) => o.close()));
    await deletePrefix(prefix);
    redis.disconnect();
  });

  it('says the plan and the versions could not be read in time, and that nothing was queued', async () => {
    const planner = start('eu-1', 5_000, 1_000);
    const request = {
      service: 'kaizen',
      version: 'v0.7.0',
      dryRun: false,
      requester: { id: 'U1', name: 'a', source: 'slack' as const },
    };
    // One call at a time: each refusal is awaited as soon as it is asked for.
    for (const ask of [
      () => planner.resolve('eu-1', { service: 'kaizen', strategy: 'kubernetes', request }),
      () => planner.versions('eu-1', { service: 'kaizen', strategy: 'kubernetes' }),
    ]) {
      const error = await refusal(ask());
      expect(error.code).toBe('site_planner_unavailable');
      expect(error.message).not.toMatch(/cancel/i);
      expect(error.message).toMatch(/site eu-1.*(within|in time|1 s).*nothing was queued/);
      expect(error.hint).toMatch(/Try again/);
    }
  });

  it('answers as usual when the worker is in time', async () => {
    const planner = start('eu-2', 50, 5_000);
    const versions = await planner.versions('eu-2', { service: 'kaizen', strategy: 'kubernetes' });
    expect(versions.map((v) => v.version)).toEqual(['v0.7.0']);
  });
});
