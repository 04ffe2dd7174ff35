import type { Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { RollbackWatchQueue } from '../../src/queue/rollback-watch-queue.js';
import { deletePrefix, testPrefix } from '../support/redis-test-prefix.js';

const prefix = testPrefix('watch-sites');
const CONNECTION = { host: '127.0.0.1', port: 6379 };

/**
 * A look of the watch reads the service's cluster, so a worker in another site must never take it: with
 * the same Deployment name in two clusters it would read the wrong one and report a revert that never was.
 */
describe('the watch after a rollback stays in its service site', () => {
  const queue = new RollbackWatchQueue(CONNECTION, prefix, 60_000);
  const workers: Worker[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await queue.close();
    await deletePrefix(prefix);
  });

  function watcherOf(site: string, seen: string[]): Worker {
    const worker = queue.startWorker(
      CONNECTION,
      async (jobId) => {
        seen.push(jobId);
        return 'over';
      },
      silentLogger(),
      site,
    );
    workers.push(worker);
    return worker;
  }

  it('a worker of one site looks only at the rollbacks of that site', async () => {
    const inDefault: string[] = [];
    const inEu: string[] = [];
    watcherOf('default', inDefault);
    const until = new Date(Date.now() + 60_000);
    await queue.start('job-eu', until, 'eu-1');
    await queue.start('job-here', until);
    await expect.poll(() => inDefault, { timeout: 10_000 }).toEqual(['job-here']);
    // Nobody serves eu-1 yet: its look waits in its own queue instead of being taken by the wrong site.
    expect(await queue.queueFor('eu-1').getWaitingCount()).toBe(1);

    watcherOf('eu-1', inEu);
    await expect.poll(() => inEu, { timeout: 10_000 }).toEqual(['job-eu']);
    expect(inDefault).toEqual(['job-here']);
  });
});
