import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { rollbackWatchQueueName } from '../../src/queue/rollback-watch-queue.js';
import {
  startFakeGitopsController,
  type FakeGitopsController,
} from '../support/fake-kube/fake-gitops-controller.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import type { FakeMessage } from '../support/fake-slack/types.js';
import { kaizenService } from '../support/kaizen-service.js';
import { blocksText, jobIdOf, RollbackObserver } from '../support/rollback-observer.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const CHANNEL = 'C0DEPLOYS';
const REVERTED_REPLY = /⚠️ deployment\/kaizen no longer runs the rolled-back version/;

function statusMessage(bot: TestBot): FakeMessage | undefined {
  return bot.slack.messages(CHANNEL).find((m) => m.text.startsWith('Rollback of kaizen'));
}

/** The thread replies of the status message that report the revert. */
function revertReplies(bot: TestBot): FakeMessage[] {
  return (statusMessage(bot)?.replies ?? []).filter((r) => REVERTED_REPLY.test(blocksText(r)));
}

/** How many looks of the watch have run (completed jobs of the default site's watch queue). */
async function looksDone(prefix: string): Promise<number> {
  const queue = new Queue(rollbackWatchQueueName(), {
    connection: { host: '127.0.0.1', port: 6379 },
    prefix: `${prefix}:bull`,
  });
  try {
    return await queue.getCompletedCount();
  } finally {
    await queue.close();
  }
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Argo CD's controller putting the bad image back (its sync is on: nothing holds it). */
function argoPutsTheBadImageBack(kube: FakeKube): FakeGitopsController {
  kube.createCustomObject('applications', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'kaizen', namespace: 'argocd' },
    spec: { project: 'default', syncPolicy: { automated: { prune: true, selfHeal: true } } },
  });
  return startFakeGitopsController(kube, {
    object: ['applications', 'argocd', 'kaizen'],
    deployment: { namespace: 'default', name: 'kaizen', container: 'kaizen' },
    image: 'kaizen:v0.8.0',
    manager: 'argocd-application-controller',
  });
}

describe('the watch after a rollback, through the real bot', () => {
  let kube: FakeKube;
  let bot: TestBot;
  let observer: RollbackObserver | undefined;
  const workers: WorkerProcess[] = [];
  const controllers: FakeGitopsController[] = [];

  async function start(role: 'all' | 'web'): Promise<void> {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 2 });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    bot = await startTestBot({
      role,
      kubeconfigPath: kube.kubeconfigPath,
      services: { kaizen: kaizenService('60s', { channel: CHANNEL }) },
      config: { watch: { minutes: 2, intervalSeconds: 0.2 } },
    });
    observer = new RollbackObserver(bot.config.redisPrefix);
  }

  afterEach(async () => {
    for (const controller of controllers.splice(0)) controller.stop();
    for (const worker of workers.splice(0)) await worker.stop();
    observer?.close();
    await bot.close();
    await kube.close();
  });

  it('a signed /rollback succeeds; Argo CD then puts v0.8.0 back: the thread gets the REVERTED reply and the status message shows it', async () => {
    await start('all');
    const jobId = jobIdOf((await bot.slash('kaizen v0.7.0 --reason "5xx after v0.8.0"')).body.text);
    await bot.slack.waitFor(() => /succeeded|Rolled back/i.test(statusMessage(bot)?.text ?? ''), 30_000);
    // The watch is on: looks run and say nothing while v0.7.0 stands.
    await until(async () => (await looksDone(bot.config.redisPrefix)) >= 2, 'two quiet looks');
    expect(revertReplies(bot)).toEqual([]);
    expect(blocksText(statusMessage(bot) ?? { text: '' })).not.toContain('REVERTED');

    controllers.push(argoPutsTheBadImageBack(kube));
    await bot.slack.waitFor(() => revertReplies(bot).length > 0, 30_000);
    const reply = blocksText(revertReplies(bot)[0] ?? { text: '' });
    expect(reply).toMatch(
      /its image is now kaizen:v0\.8\.0, not image kaizen:v0\.7\.0 for container kaizen\. Changed by field manager argocd-application-controller/,
    );
    await bot.slack.waitFor(
      () => blocksText(statusMessage(bot) ?? { text: '' }).includes('REVERTED after the rollback'),
      30_000,
    );
    const status = blocksText(statusMessage(bot) ?? { text: '' });
    expect(status).toContain(
      'REVERTED after the rollback: now kaizen:v0.8.0 (field manager argocd-application-controller',
    );
    expect(status).toContain('reverted: now kaizen:v0.8.0');
    // Said once, whatever later looks see.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(revertReplies(bot)).toHaveLength(1);
    const audit = (await observer?.auditOf(jobId)) ?? [];
    expect(audit.filter((e) => e.type === 'rollback_reverted')).toHaveLength(1);
  }, 120_000);

  it('a worker killed during the watch window: another worker process goes on watching and reports the revert once', async () => {
    await start('web');
    const options = {
      prefix: bot.config.redisPrefix,
      servicesDir: bot.config.servicesDir,
      kubeconfigPath: kube.kubeconfigPath,
      env: { ROLLBACK_WATCH_MINUTES: '2', ROLLBACK_WATCH_INTERVAL_SECONDS: '0.2' },
    };
    const first = await startWorkerProcess(options);
    workers.push(first);
    const jobId = jobIdOf((await bot.slash('kaizen v0.7.0')).body.text);
    await observer?.waitFor(jobId, (s) => s.state === 'succeeded', 60_000);
    await until(async () => (await looksDone(bot.config.redisPrefix)) >= 2, 'the first worker to look');
    await first.kill();
    expect(first.alive()).toBe(false);
    const looksBefore = await looksDone(bot.config.redisPrefix);

    const second = await startWorkerProcess(options);
    workers.push(second);
    await until(
      async () => (await looksDone(bot.config.redisPrefix)) >= looksBefore + 2,
      'the second worker to take the watch over',
    );
    controllers.push(argoPutsTheBadImageBack(kube));
    await bot.slack.waitFor(() => revertReplies(bot).length > 0, 30_000);
    await bot.slack.waitFor(
      () => blocksText(statusMessage(bot) ?? { text: '' }).includes('REVERTED after the rollback'),
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(revertReplies(bot)).toHaveLength(1);
    const audit = (await observer?.auditOf(jobId)) ?? [];
    expect(audit.filter((e) => e.type === 'rollback_reverted')).toHaveLength(1);
    // The second worker is the one that saw it.
    expect(second.output()).toContain('"result":"reverted"');
    expect(first.output()).not.toContain('"result":"reverted"');
  }, 180_000);
});
