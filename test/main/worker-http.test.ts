/**
 * A worker-only process (ROLE=worker) answers probes and serves its metrics on WORKER_HTTP_PORT, and every
 * process's /metrics shows each site's queue: depth, the age of the job next in line, live workers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqRollbackQueue } from '../../src/queue/bullmq-rollback-queue.js';
import { newJobId } from '../../src/rollback/new-job-id.js';
import { kaizenService } from '../support/kaizen-service.js';
import { TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testPlan } from '../support/test-plan.js';

/** The value of one sample of a metric in Prometheus text format, by its exact label set. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('worker HTTP and queue metrics', () => {
  let worker: TestBot;
  let web: TestBot;
  let queue: BullmqRollbackQueue;
  const prefix = testPrefix('worker-http');

  beforeAll(async () => {
    const services = {
      kaizen: kaizenService(),
      'kaizen-ap': kaizenService('60s', { name: 'kaizen-ap', site: 'ap-1' }),
    };
    worker = await startTestBot({ role: 'worker', slack: false, prefix, services });
    web = await startTestBot({ role: 'web', prefix, services });
    queue = new BullmqRollbackQueue({ url: TEST_REDIS_URL }, prefix);
    // Two jobs wait in ap-1, which has no worker.
    for (const _ of [1, 2]) {
      await queue.enqueue({ ...testPlan(newJobId('kaizen-ap')), service: 'kaizen-ap', site: 'ap-1' });
    }
  }, 30_000);

  afterAll(async () => {
    await queue?.close();
    await worker?.bot.close();
    await worker?.slack.close();
    await web?.close();
  });

  it('answers /healthz and /readyz on its own port', async () => {
    const url = worker.bot.workerUrl;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(worker.bot.url).toBeUndefined();
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: [
        { name: 'redis', ok: true },
        { name: 'redis-data', ok: true, detail: 'kept since this process started' },
      ],
    });
  });

  it.each(['worker', 'web'])(
    '%s /metrics: queue depth, oldest waiting job and live workers per site',
    async (which) => {
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const base = which === 'worker' ? worker.bot.workerUrl : web.bot.url;
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(sample(text, 'rollbackbot_queue_jobs', 'site="ap-1",state="waiting"')).toBe(2);
      expect(sample(text, 'rollbackbot_queue_jobs', 'site="default",state="waiting"')).toBe(0);
      expect(sample(text, 'rollbackbot_queue_oldest_waiting_seconds', 'site="ap-1"')).toBeGreaterThanOrEqual(
        1,
      );
      expect(sample(text, 'rollbackbot_queue_oldest_waiting_seconds', 'site="default"')).toBe(0);
      expect(sample(text, 'rollbackbot_site_workers', 'site="default"')).toBe(1);
      expect(sample(text, 'rollbackbot_site_workers', 'site="ap-1"')).toBe(0);
    },
  );
});
