/**
 * Sites, end to end: one web process (no cluster credentials for eu-1 and us-1: it plans there through
 * their workers) and two worker processes, each inside "its" cluster (a fake API server of its own, which
 * the other worker cannot reach). A job of a service runs only on the worker of the service's site; a
 * site with no worker says so in the job's status instead of hanging silently.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLLBACK_QUEUE } from '../../src/queue/bullmq-rollback-queue.js';
import { rollbackQueueName } from '../../src/queue/site-queues.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { kaizenService } from '../support/kaizen-service.js';
import { TEST_REDIS_URL } from '../support/redis-test-prefix.js';
import { blocksText, RollbackObserver } from '../support/rollback-observer.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const CHANNEL = 'C0DEPLOYS';

function jobOf(text: string | undefined, service: string): string {
  const id = new RegExp(`job (${service}-[a-z0-9]+-[a-z0-9-]+)`).exec(text ?? '')?.[1];
  if (!id) throw new Error(`no job id of ${service} in: ${text}`);
  return id;
}

/**
 * The plan a user sees for a command: the ack itself, or, when planning took longer than Slack's ack budget
 * (a worker's first cluster call loads the Kubernetes client), the follow-up sent to the command's response_url.
 */
async function planText(bot: TestBot, command: string, urlId: string): Promise<string | undefined> {
  const ack = await bot.slash(command, { responseUrl: bot.slack.responseUrl(urlId) });
  if (!/^Working on it/.test(ack.body.text ?? '')) return ack.body.text;
  const followUp = () =>
    bot.slack.calls.find((c) => c.method === 'response_url' && c.responseUrlId === urlId);
  await bot.slack.waitFor(() => followUp() !== undefined, 20_000);
  const args = followUp()!.args;
  return `${String(args['text'] ?? '')} ${JSON.stringify(args['blocks'] ?? [])}`;
}

function imageOf(kube: FakeKube, name = 'kaizen'): string | undefined {
  return kube.deployment('default', name).spec?.template.spec?.containers[0]?.image;
}

async function clusterWith(...names: string[]): Promise<FakeKube> {
  const kube = await startFakeKube({ readyDelayMs: 30 });
  for (const name of names) {
    await kube.createDeployment({ name, container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 1 });
    await kube.deploy('default', name, 'kaizen', 'kaizen:v0.8.0');
  }
  return kube;
}

describe('site-routed workers: one web process, a worker per site', () => {
  let eu: FakeKube;
  let us: FakeKube;
  let web: TestBot;
  let observer: RollbackObserver;
  const workers: Record<string, WorkerProcess> = {};

  beforeAll(async () => {
    [eu, us] = await Promise.all([clusterWith('kaizen', 'kaizen-ap'), clusterWith('kaizen')]);
    const services = {
      'kaizen-eu': kaizenService('30s', { name: 'kaizen-eu', site: 'eu-1' }),
      'kaizen-us': kaizenService('30s', { name: 'kaizen-us', site: 'us-1' }),
      // ap-1 has no worker. The web process can read its cluster (eu's fake, Deployment kaizen-ap), so it
      // plans it itself; the job then waits in ap-1's queue.
      'kaizen-ap': kaizenService('30s', {
        name: 'kaizen-ap',
        site: 'ap-1',
        kubernetes: { namespace: 'default', deployment: 'kaizen-ap', container: 'kaizen', image: 'kaizen' },
      }),
    };
    web = await startTestBot({
      role: 'web',
      services,
      kubeconfigPath: await eu.kubeconfigFor('web'),
      config: { sites: { planOnWorkers: ['eu-1', 'us-1'], siteCheckIntervalMs: 200 } },
    });
    observer = new RollbackObserver(web.config.redisPrefix);
    const common = { prefix: web.config.redisPrefix, servicesDir: web.config.servicesDir };
    const [euWorker, usWorker] = await Promise.all([
      startWorkerProcess({ ...common, sites: ['eu-1'], kubeconfigPath: await eu.kubeconfigFor('eu-worker') }),
      startWorkerProcess({ ...common, sites: ['us-1'], kubeconfigPath: await us.kubeconfigFor('us-worker') }),
    ]);
    workers['eu'] = euWorker;
    workers['us'] = usWorker;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(Object.values(workers).map((w) => w.stop()));
    observer?.close();
    await web?.close();
    await Promise.all([eu?.close(), us?.close()]);
  });

  it('runs each job on the worker of its site only, planned there too', async () => {
    const euJob = jobOf(await planText(web, 'kaizen-eu v0.7.0', 'eu-plan'), 'kaizen-eu');
    const usJob = jobOf(await planText(web, 'kaizen-us v0.7.0', 'us-plan'), 'kaizen-us');
    const ended = (s: { state: string }) => s.state === 'succeeded' || s.state === 'failed';
    const [euEnd, usEnd] = await Promise.all([
      observer.waitFor(euJob, ended, 30_000),
      observer.waitFor(usJob, ended, 30_000),
    ]);
    expect([euEnd.state, usEnd.state]).toEqual(['succeeded', 'succeeded']);
    expect(imageOf(eu)).toBe('kaizen:v0.7.0');
    expect(imageOf(us)).toBe('kaizen:v0.7.0');

    // Each cluster heard from its own site's worker only, and never from the web process.
    const users = (kube: FakeKube) => [...new Set(kube.requests.map((r) => r.user))];
    expect(users(us)).toEqual(['us-worker']);
    expect(users(eu).filter((u) => u !== 'web')).toEqual(['eu-worker']);
    expect(eu.requests.filter((r) => r.user === 'web' && r.path.includes('/deployments/kaizen'))).toEqual([]);
    expect(eu.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(us.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);

    // And each job ran in the worker process of its site.
    expect(workers['eu']!.output()).toContain(euJob);
    expect(workers['eu']!.output()).not.toContain(usJob);
    expect(workers['us']!.output()).toContain(usJob);
    expect(workers['us']!.output()).not.toContain(euJob);

    // `versions` and a dry run of an eu-1 service are answered by eu's worker as well.
    const before = eu.requests.length;
    expect((await web.slash('versions kaizen-eu')).body.text).toMatch(
      /Versions of kaizen-eu: revision:3, revision:2/,
    );
    const dry = await web.slash('kaizen-eu v0.8.0 --dry-run');
    expect(JSON.stringify(dry.body)).toMatch(/[Dd]ry run/);
    const added = eu.requests.slice(before);
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((r) => r.user === 'eu-worker')).toBe(true);
  }, 60_000);

  it('says a job waits for a worker in a site that has none, and leaves it queued there', async () => {
    const jobId = jobOf((await web.slash('kaizen-ap v0.7.0')).body.text, 'kaizen-ap');
    const waiting = await observer.waitFor(jobId, (s) => s.waitingForWorker !== undefined, 5_000);
    expect(waiting.state).toBe('queued');
    expect(waiting.waitingForWorker).toMatchObject({ site: 'ap-1', reason: 'no_worker' });
    await web.slack.waitFor(
      () =>
        web.slack
          .messages(CHANNEL)
          .some((m) => /Waiting for a worker in site ap-1: none is running/.test(blocksText(m))),
      10_000,
    );

    // The other sites' workers never take it: it stays in ap-1's queue, waiting.
    const queue = new Queue(rollbackQueueName('ap-1'), {
      connection: { url: TEST_REDIS_URL },
      prefix: `${web.config.redisPrefix}:bull`,
    });
    const defaultQueue = new Queue(ROLLBACK_QUEUE, {
      connection: { url: TEST_REDIS_URL },
      prefix: `${web.config.redisPrefix}:bull`,
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await queue.getJobState(jobId)).toBe('waiting');
      expect(await defaultQueue.getJobState(jobId)).toBe('unknown');
      expect(imageOf(eu, 'kaizen-ap')).toBe('kaizen:v0.8.0');
    } finally {
      await queue.close();
      await defaultQueue.close();
    }

    // A worker for ap-1 arrives: it takes the job, the notice goes away and the rollback runs.
    const apWorker = await startTestBot({
      role: 'worker',
      slack: false,
      prefix: web.config.redisPrefix,
      services: {},
      kubeconfigPath: await eu.kubeconfigFor('ap-worker'),
      config: { servicesDir: web.config.servicesDir, sites: { workerSites: ['ap-1'] } },
    });
    try {
      const final = await observer.waitFor(jobId, (s) => s.state === 'succeeded' || s.state === 'failed');
      expect(final.state).toBe('succeeded');
      expect(final.waitingForWorker).toBeUndefined();
      expect(imageOf(eu, 'kaizen-ap')).toBe('kaizen:v0.7.0');
    } finally {
      // Not apWorker.close(): that would delete the prefix the web process still uses.
      await apWorker.bot.close();
      await apWorker.slack.close();
    }
  }, 60_000);
});
