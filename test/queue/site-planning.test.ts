/**
 * Planning on the site, and what a web process says when a site cannot take a job: the web process here
 * has no kubeconfig at all; a worker of site eu-1 (in-process) reads the cluster for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, RetryableError } from '../../src/errors/rollback-error.js';
import type { RollbackRequest } from '../../src/rollback/plan.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisSiteHeartbeats } from '../../src/stores/redis-site-heartbeats.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { kaizenService } from '../support/kaizen-service.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testPrefix } from '../support/redis-test-prefix.js';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from '../support/redis-test-prefix.js';
import { refusal } from '../support/refusal.js';

const ALICE = { id: 'U0ALICE', name: 'alice', source: 'slack' } as const;

function request(service: string, extra: Partial<RollbackRequest> = {}): RollbackRequest {
  return { service, dryRun: false, requester: ALICE, ...extra };
}

describe('planning on the site, through its workers', () => {
  let kube: FakeKube;
  let web: TestBot;
  let worker: TestBot;
  const redis = new Redis(TEST_REDIS_URL);

  beforeAll(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 1 });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    const services = {
      'kaizen-eu': kaizenService('30s', { name: 'kaizen-eu', site: 'eu-1' }),
      'kaizen-us': kaizenService('30s', { name: 'kaizen-us', site: 'us-1' }),
      'kaizen-ap': kaizenService('30s', { name: 'kaizen-ap', site: 'ap-1' }),
    };
    const prefix = testPrefix('site-planning');
    web = await startTestBot({
      role: 'web',
      prefix,
      services,
      config: { sites: { planOnWorkers: 'all', planTimeoutMs: 1_000 } },
    });
    worker = await startTestBot({
      role: 'worker',
      prefix,
      slack: false,
      services,
      kubeconfigPath: await kube.kubeconfigFor('eu-worker'),
      config: { sites: { workerSites: ['eu-1'] } },
    });
    // The worker's first plan loads its Kubernetes client: seconds on a busy machine, longer than this web
    // process's 1 s wait. Ask until it answers, so the tests below time the planning, not the loading.
    const until = Date.now() + 25_000;
    while (
      !(await web.bot.rollbacks.versions('kaizen-eu').then(
        () => true,
        () => false,
      ))
    ) {
      if (Date.now() > until) throw new Error('the eu-1 worker never answered a versions call');
    }
  }, 30_000);

  afterAll(async () => {
    await worker?.close();
    await web?.close();
    await kube?.close();
    redis.disconnect();
  });

  it('makes plans, dry runs and version lists of the site with its worker; the web process reads nothing', async () => {
    const dry = await web.bot.rollbacks.submit(request('kaizen-eu', { version: 'v0.7.0', dryRun: true }));
    expect(dry.kind).toBe('dry_run');
    expect(dry.plan).toMatchObject({ site: 'eu-1', from: 'v0.8.0 (revision 2)', to: 'v0.7.0' });
    expect(dry.plan.steps.map((s) => s.id)).toEqual([
      'identify',
      'precheck',
      'rollback',
      'monitor',
      'verify',
    ]);
    const versions = await web.bot.rollbacks.versions('kaizen-eu');
    expect(versions.entries.map((e) => e.id)).toEqual(['revision:2', 'revision:1']);
    expect(new Set(kube.requests.map((r) => r.user))).toEqual(new Set(['eu-worker']));
  });

  it("passes the worker's refusal on as it was: the same kind, code, message and hint", async () => {
    const error = await refusal(web.bot.rollbacks.submit(request('kaizen-eu', { toRevision: 99 })));
    expect(error).toBeInstanceOf(InputError);
    expect(error.code).toBe('unknown_revision');
    expect(error.hint).toMatch(/Revisions of deployment\/kaizen: 2 \(current\)/);
    const current = await refusal(web.bot.rollbacks.submit(request('kaizen-eu', { version: 'v0.8.0' })));
    expect(current.code).toBe('already_current');
    expect(current.message).toMatch(/already runs kaizen:v0\.8\.0/);
  });

  it('says at once that no worker runs in the site, and queues nothing', async () => {
    const error = await refusal(web.bot.rollbacks.submit(request('kaizen-ap', { version: 'v0.7.0' })));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe('site_planner_unavailable');
    expect(error.message).toMatch(/No worker is running in site ap-1, where plans for kaizen-ap are made/);
    expect(error.hint).toMatch(/WORKER_SITES including ap-1/);
    expect(await web.bot.rollbacks.recent(5, 'kaizen-ap')).toEqual([]);
  });

  it('gives up on a site whose workers do not answer within PLAN_TIMEOUT_MS, and takes its call back', async () => {
    // A worker that beats but never plans (stuck, or an old version without planning).
    const keys = new RedisKeys(web.config.redisPrefix);
    await new RedisSiteHeartbeats(redis, keys).beat(
      'us-1',
      { id: 'stuck', host: 'x', strategies: ['kubernetes'] },
      10_000,
    );
    const error = await refusal(web.bot.rollbacks.versions('kaizen-us'));
    expect(error.code).toBe('site_planner_unavailable');
    expect(error.message).toMatch(/No worker of site us-1 answered within 1 s/);
    const calls = await redis.llen(`${web.config.redisPrefix}:bull:plans-us-1:wait`);
    expect(calls).toBe(0);
  });

  it('refuses a rollback whose strategy no live worker of the site runs', async () => {
    const keys = new RedisKeys(web.config.redisPrefix);
    await new RedisSiteHeartbeats(redis, keys).beat(
      'ap-1',
      { id: 'helm-only', host: 'x', strategies: ['helm'] },
      10_000,
    );
    const error = await refusal(web.bot.rollbacks.submit(request('kaizen-ap', { version: 'v0.7.0' })));
    expect(error).toBeInstanceOf(InputError);
    expect(error.code).toBe('no_worker_for_strategy');
    expect(error.message).toMatch(/No worker in site ap-1 runs the kubernetes strategy/);
    expect(error.hint).toMatch(/they run helm/);
  });
});
