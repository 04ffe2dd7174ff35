import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseCommand } from '../../src/commands/parse-command.js';
import type { AppConfig } from '../../src/main/app-config.js';
import { startBot, type BotHandle } from '../../src/main/start-bot.js';
import { silentLogger } from '../../src/observability/logger.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import type { ProgressSnapshot } from '../../src/rollback/progress-snapshot.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { startFakeSlack } from '../support/fake-slack/index.js';
import type { FakeSlack } from '../support/fake-slack/types.js';
import { deploymentServiceIn } from '../support/kaizen-service.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';
import { runCli } from './run-cli.js';

const BOT_TOKEN = 'xoxb-test';

/** A production Deployment service requested in a channel of its own (`C0KAIZEN`). */
const kubeService = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  deploymentServiceIn(name, `C0${name.toUpperCase()}`, {
    environment: 'production',
    kubernetes: { rolloutTimeout: '20s' },
    ...extra,
  });

describe('rollback-bot CLI against real Redis, a worker and a fake cluster', () => {
  const prefix = testPrefix('cli');
  const keys = new RedisKeys(prefix);
  const me = userInfo().username;
  let kube: FakeKube;
  let slack: FakeSlack;
  let worker: BotHandle;
  let servicesDir: string;
  let redis: Redis;
  let env: Record<string, string>;

  const imageOf = (name: string) =>
    kube.deployment('default', name).spec?.template.spec?.containers[0]?.image;
  const patchesOf = (name: string) =>
    kube.requests.filter((r) => r.method === 'PATCH' && r.path.includes(`/deployments/${name}`)).length;
  const snapshot = async (jobId: string) =>
    JSON.parse((await redis.get(keys.snapshot(jobId))) ?? 'null') as ProgressSnapshot | null;

  beforeAll(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    for (const name of ['kaizen', 'payments', 'billing', 'search', 'slow']) {
      await kube.createDeployment({
        name,
        container: name,
        image: `${name}:v0.6.0`,
        replicas: 2,
        progressDeadlineSeconds: name === 'slow' ? 600 : 3,
      });
      await kube.deploy('default', name, name, `${name}:v0.7.0`);
      await kube.deploy('default', name, name, `${name}:v0.8.0`);
    }
    slack = await startFakeSlack({ token: BOT_TOKEN });
    servicesDir = await mkdtemp(join(tmpdir(), 'cli-services-'));
    const services = {
      kaizen: kubeService('kaizen'),
      payments: kubeService('payments'),
      search: kubeService('search'),
      slow: kubeService('slow'),
      billing: kubeService('billing', { approval: { required: 1, approvers: ['U0BOSS'] } }),
    };
    for (const [name, doc] of Object.entries(services))
      await writeFile(join(servicesDir, `${name}.yaml`), stringify(doc));
    const config: AppConfig = {
      port: 0,
      host: '127.0.0.1',
      role: 'worker',
      redisUrl: TEST_REDIS_URL,
      redisPrefix: prefix,
      servicesDir,
      kubeconfigPath: kube.kubeconfigPath,
      slack: undefined,
      publicUrl: undefined,
      logLevel: 'silent',
      workerConcurrency: 4,
    };
    worker = await startBot(config, {
      log: silentLogger(),
      stepRetry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 100 },
    });
    redis = new Redis(TEST_REDIS_URL);
    env = { REDIS_PREFIX: prefix, SERVICES_DIR: servicesDir, KUBECONFIG: kube.kubeconfigPath };
  });

  afterAll(async () => {
    await worker?.close();
    redis?.disconnect();
    await slack?.close();
    await kube?.close();
    await deletePrefix(prefix);
    if (servicesDir) await rm(servicesDir, { recursive: true, force: true });
  });

  it('--follow rolls back, prints each step as a line when stdout is not a terminal, and exits 0', async () => {
    const result = await runCli(
      ['rollback', 'kaizen', 'v0.7.0', '--reason', 'error rate at 12%', '--follow'],
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Rollback plan for kaizen \(production\)/);
    expect(result.stdout).toMatch(/Requested by: +\S+ \(via cli\)/);
    expect(result.stdout).toContain('Queued. Following it (Ctrl-C stops following, not the rollback):');
    expect(result.stdout).not.toMatch(/Follow it with|\/rollback/);
    // A line per step as the CLI saw it: a step that ends at once (step 1, the evidence capture, on a worker
    // without an evidence store) may show only as skipped; following draws the latest state, not every one.
    expect(result.stdout).toMatch(/(started|skipped|done) step 1\/\d+ /);
    expect(result.stdout).toMatch(/started step \d+\/\d+ /);
    expect(result.stdout).toMatch(/done step \d+\/\d+ /);
    expect(result.stdout).toMatch(/succeeded: Rolled back kaizen from .*v0\.8\.0.* to .*v0\.7\.0/);
    expect(imageOf('kaizen')).toBe('kaizen:v0.7.0');

    const jobId = /job (kaizen-\S+)/.exec(result.stdout)?.[1] as string;
    const stored = await snapshot(jobId);
    expect(stored?.state).toBe('succeeded');
    expect(stored?.requester).toEqual({ id: `cli:${me}`, name: me, source: 'cli' });
    expect(stored?.reason).toBe('error rate at 12%');
  });

  it('--follow --json prints one snapshot per line and exits 1 when the rollout fails', async () => {
    kube.markImageBroken('payments:v0.6.0');
    const result = await runCli(['rollback', 'payments', '--to-revision', '1', '--follow', '--json'], env);
    expect(result.exitCode).toBe(1);
    const lines = result.stdout.trim().split('\n');
    const snapshots = lines.map((line) => JSON.parse(line) as ProgressSnapshot);
    expect(snapshots.length).toBeGreaterThan(2);
    expect(snapshots.map((s) => s.version)).toEqual(
      [...snapshots.map((s) => s.version)].sort((a, b) => a - b),
    );
    const last = snapshots.at(-1) as ProgressSnapshot;
    expect(last.state).toBe('failed');
    expect(JSON.stringify(last.steps.find((s) => s.state === 'failed')?.error)).toMatch(/progress deadline/i);
  });

  it('--dry-run prints the plan with the exact change and changes nothing', async () => {
    const before = patchesOf('search');
    const result = await runCli(['rollback', 'search', 'v0.7.0', '--dry-run'], env);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Dry run: nothing will change/);
    expect(result.stdout).toContain('Dry run: nothing was queued.');
    expect(result.stdout).not.toMatch(/status search-|Queued/);
    expect(result.stdout).toContain('search:v0.7.0');
    expect(patchesOf('search')).toBe(before);
    expect(imageOf('search')).toBe('search:v0.8.0');
  });

  it('bad input exits 2 with the same message as Slack, before touching anything', async () => {
    const result = await runCli(['rollback', 'kaizen', 'v1.0;rm'], {
      ...env,
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(result.exitCode).toBe(2);
    const slackMessage = parseCommand('kaizen "v1.0;rm"');
    expect(slackMessage.kind).toBe('invalid');
    expect(result.stderr).toContain((slackMessage as { message: string }).message);

    const unknown = await runCli(['rollback', 'kaizn', 'v0.7.0'], env);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('Unknown service "kaizn"');
    expect(unknown.stderr).toMatch(/Did you mean kaizen/);
    expect(unknown.stderr.match(/Did you mean/g)).toHaveLength(1);

    const noJob = await runCli(['status', 'kaizen-nope-0000'], env);
    expect(noJob.exitCode).toBe(2);
    expect(noJob.stderr).toContain('No rollback with id "kaizen-nope-0000"');
    expect(noJob.stderr).toContain('Try: rollback-bot status');
    expect(noJob.stderr).not.toContain('/rollback');
  });

  it('a service that needs approval is refused without --break-glass (exit 2); with it, audited and announced', async () => {
    const refused = await runCli(['rollback', 'billing', 'v0.7.0', '--reason', 'errors'], env);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/billing needs 1 approval/);
    expect(refused.stderr).toContain('--break-glass');
    expect(patchesOf('billing')).toBe(0);

    const noReason = await runCli(['rollback', 'billing', 'v0.7.0', '--break-glass'], env);
    expect(noReason.exitCode).toBe(2);
    expect(noReason.stderr).toMatch(/needs a reason/);

    const slackEnv = {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: 'cli-test-signing-secret',
      SLACK_API_URL: slack.url,
    };
    const reason = 'Slack approvals down <!channel>';
    const done = await runCli(
      ['rollback', 'billing', 'v0.7.0', '--break-glass', '--reason', reason, '--follow'],
      { ...env, ...slackEnv },
    );
    expect(done.exitCode).toBe(0);
    expect(done.stderr).toMatch(/Break-glass announced in C0BILLING/);
    expect(imageOf('billing')).toBe('billing:v0.7.0');

    const jobId = /job (billing-\S+)/.exec(done.stdout)?.[1] as string;
    const audit = await redis.xrange(keys.audit(), '-', '+');
    const breakGlass = audit
      .map(([, fields]) => fields)
      .filter((f) => f.includes('break_glass') && f.includes(jobId));
    expect(breakGlass).toHaveLength(1);
    expect(breakGlass[0]).toEqual(
      expect.arrayContaining(['actorName', me, 'source', 'cli', 'service', 'billing']),
    );

    const announcement = slack.messages('C0BILLING').find((m) => /Break-glass/.test(m.text));
    expect(announcement?.text).toContain(me);
    expect(announcement?.text).toContain('&lt;!channel&gt;');
    expect(announcement?.text).toContain(jobId);
  });

  it('cancel <job> stops a followed rollback, which then exits 3', async () => {
    kube.markImageBroken('slow:v0.6.0');
    const following = runCli(['rollback', 'slow', 'v0.6.0', '--follow'], env);
    let jobId: string | undefined;
    for (let i = 0; i < 200 && jobId === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const [latest] = await redis.zrevrange(keys.serviceHistory('slow'), 0, 0);
      const current = latest === undefined ? null : await snapshot(latest);
      if (current?.steps.some((s) => s.id === 'monitor' && s.state === 'running')) jobId = latest;
    }
    expect(jobId).toBeDefined();
    const cancel = await runCli(['cancel', jobId as string], env);
    expect(cancel.exitCode).toBe(0);
    const followed = await following;
    expect(followed.exitCode).toBe(3);
    expect(followed.stdout).toMatch(/cancelled: Cancelled at step/);
    expect((await snapshot(jobId as string))?.cancelRequested?.by.name).toBe(me);
  });

  it('without a kubeconfig, a Kubernetes service answers that no cluster is configured and what to set', async () => {
    const home = await mkdtemp(join(tmpdir(), 'cli-no-kube-'));
    try {
      const result = await runCli(['rollback', 'search', 'v0.7.0', '--dry-run'], {
        REDIS_PREFIX: prefix,
        SERVICES_DIR: servicesDir,
        HOME: home,
      });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('✖ No Kubernetes cluster is configured for this bot');
      expect(result.stderr).toMatch(/Hint: Set KUBECONFIG to a kubeconfig file/);
      expect(result.stderr).not.toMatch(/HTTP protocol|localhost:8080/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('exits 4 with a clear message when Redis cannot be reached', async () => {
    const result = await runCli(['status'], { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/Could not reach Redis at 127\.0\.0\.1:1/);
  });
});
