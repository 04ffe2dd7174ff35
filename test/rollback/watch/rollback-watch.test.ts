import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { BullmqNotificationOutbox } from '../../../src/outbox/bullmq-notification-outbox.js';
import { RollbackWatchQueue } from '../../../src/queue/rollback-watch-queue.js';
import type { RollbackPlan } from '../../../src/rollback/plan.js';
import type { ProgressSnapshot } from '../../../src/rollback/progress-snapshot.js';
import { initialSnapshot } from '../../../src/rollback/snapshot-tracker.js';
import { RollbackWatcher } from '../../../src/rollback/watch/rollback-watcher.js';
import { WatchOnSuccessProgressStore } from '../../../src/rollback/watch/watch-on-success-progress-store.js';
import { RedisAuditLog } from '../../../src/stores/redis-audit-log.js';
import { RedisKeys } from '../../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../../src/stores/redis-progress-store.js';
import { RedisRollbackIndex } from '../../../src/stores/redis-rollback-index.js';
import { createKubernetesClusterFactory } from '../../../src/targets/kubernetes/create-kubernetes-cluster-factory.js';
import { startFakeGitopsController } from '../../support/fake-kube/fake-gitops-controller.js';
import { startFakeKube, type FakeKube } from '../../support/fake-kube/index.js';
import { runKubectl } from '../../support/fake-kube/run-kubectl.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../../support/redis-test-prefix.js';
import {
  kaizenService,
  plan,
  rollbackRequest,
  strategyFor,
} from '../strategies/kubernetes/strategy-harness.js';

const prefix = testPrefix('rollback-watch');
const CONNECTION = { host: '127.0.0.1', port: 6379 };
const keys = new RedisKeys(prefix);
let kube: FakeKube;
let redis: Redis;
let progress: RedisProgressStore;
let index: RedisRollbackIndex;
let audit: RedisAuditLog;
let outbox: BullmqNotificationOutbox;
let queue: RollbackWatchQueue;
let worker: Worker;
const INCIDENT = { id: 'PINC42', url: 'https://example.pagerduty.com/incidents/PINC42' };

beforeAll(async () => {
  kube = await startFakeKube({ readyDelayMs: 10 });
  redis = new Redis(TEST_REDIS_URL);
  progress = new RedisProgressStore(redis, keys);
  index = new RedisRollbackIndex(redis, keys);
  audit = new RedisAuditLog(redis, keys);
  outbox = new BullmqNotificationOutbox({ connection: CONNECTION, redis, prefix });
  queue = new RollbackWatchQueue(CONNECTION, prefix, 100);
  const watcher = new RollbackWatcher({
    index,
    progress,
    audit,
    incidentNotes: outbox,
    clusterFactory: createKubernetesClusterFactory({
      kubeconfigPath: kube.kubeconfigPath,
      log: silentLogger(),
      retry: { attempts: 2, baseDelayMs: 5 },
    }),
  });
  worker = queue.startWorker(CONNECTION, (jobId, until) => watcher.check(jobId, until), silentLogger());
  await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 2 });
  await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
});

afterAll(async () => {
  await worker?.close();
  await Promise.all([queue?.close(), outbox?.close(), kube?.close()]);
  await deletePrefix(prefix);
  redis?.disconnect();
});

/** Rolls kaizen back to v0.7.0 for real (the strategy's steps against the fake) and publishes the success. */
async function rollBack(jobId: string, windowMs: number): Promise<void> {
  const service = kaizenService();
  const request = rollbackRequest({ version: 'v0.7.0', incident: INCIDENT });
  const resolved = await strategyFor(kube).resolve(service, request);
  const run = await plan(strategyFor(kube), service, request);
  const context = run.context();
  for (const step of run.steps) await step.run(context.ctx);
  const rollbackPlan: RollbackPlan = {
    ...resolved,
    jobId,
    request,
    service: 'kaizen',
    environment: 'production',
    strategy: 'kubernetes',
    steps: run.steps.map((s) => ({ id: s.id, title: s.title })),
    createdAt: new Date().toISOString(),
  };
  await index.record(rollbackPlan);
  const first = initialSnapshot(rollbackPlan, 'running');
  const store = new WatchOnSuccessProgressStore(progress, queue, windowMs, silentLogger());
  await store.publish(first);
  await store.publish({
    ...first,
    version: 2,
    state: 'succeeded',
    steps: first.steps.map((s) => ({ ...s, state: 'done' })),
    endedAt: new Date().toISOString(),
  });
}

async function until<T>(read: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const watchStep = async (jobId: string): Promise<ProgressSnapshot | undefined> => {
  const snapshot = await progress.get(jobId);
  return snapshot?.steps.some((s) => s.id === 'watch') ? snapshot : undefined;
};

describe('the watch after a successful rollback', () => {
  it('reports in the thread, the status, the incident and the audit log when a CD sync puts the bad image back', async () => {
    await rollBack('job-watched', 60_000);
    // The rollback holds for a while: looks run (every 100 ms) and say nothing.
    await expect
      .poll(async () => (await queue.queueFor().getCompleted()).length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
    expect(await watchStep('job-watched')).toBeUndefined();

    const controller = startFakeGitopsController(kube, {
      object: ['applications', 'argocd', 'kaizen'],
      deployment: { namespace: 'default', name: 'kaizen', container: 'kaizen' },
      image: 'kaizen:v0.8.0',
      manager: 'argocd-application-controller',
    });
    kube.createCustomObject('applications', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'kaizen', namespace: 'argocd' },
      spec: { project: 'default', syncPolicy: { automated: { prune: true, selfHeal: true } } },
    });
    try {
      const snapshot = await until(() => watchStep('job-watched'), 'the revert to be reported', 20_000);
      const text = snapshot.details.find((d) => d.stepId === 'watch')?.text ?? '';
      expect(text).toMatch(
        /^⚠️ deployment\/kaizen no longer runs the rolled-back version \(\d+ s after the rollback\): its image is now kaizen:v0\.8\.0, not image kaizen:v0\.7\.0 for container kaizen\. Changed by field manager argocd-application-controller \(Update at .*\)\./,
      );
      expect(snapshot.state).toBe('succeeded');
      expect(snapshot.steps.at(-1)).toMatchObject({
        id: 'watch',
        state: 'failed',
        summary: 'reverted: now kaizen:v0.8.0',
      });
      expect(snapshot.warnings).toEqual([
        expect.stringMatching(
          /^REVERTED after the rollback: now kaizen:v0\.8\.0 \(field manager argocd-application-controller/,
        ),
      ]);
      const entries = await audit.list({ jobId: 'job-watched' });
      expect(entries.filter((e) => e.type === 'rollback_reverted')).toHaveLength(1);
      const timeline = await outbox.timeline('job-watched');
      expect(timeline.entries.map((e) => [e.channel, e.label])).toEqual([
        ['pagerduty-note', 'PagerDuty note: rollback reverted'],
      ]);
      // Said once: later looks stop.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect((await progress.get('job-watched'))?.steps.filter((s) => s.id === 'watch')).toHaveLength(1);
      // Real kubectl sees the managed field the way the bot read it.
      const managers = await runKubectl(kube, [
        'get',
        'deployment',
        'kaizen',
        '--show-managed-fields',
        '-o',
        'jsonpath={.metadata.managedFields[*].manager}',
      ]);
      expect(managers.stdout).toContain('argocd-application-controller');
    } finally {
      controller.stop();
    }
  }, 60_000);

  it('ends quietly, audited, when the rolled-back version still runs at the end of the window', async () => {
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.9.0');
    await rollBack('job-held', 300);
    const ended = await until(
      async () => (await audit.list({ jobId: 'job-held' })).find((e) => e.type === 'watch_ended'),
      'the watch to end',
    );
    expect(ended.detail).toBe(
      'deployment/kaizen still runs image kaizen:v0.7.0 for container kaizen at the end of the watch.',
    );
    expect(await watchStep('job-held')).toBeUndefined();
  });
});
