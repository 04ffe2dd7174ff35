import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import type { FakeMessage } from '../support/fake-slack/types.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../support/test-bot.js';
import { postToBot, slashCommandRequest } from '../support/slack-request.js';
import { blocksText } from '../support/blocks-text.js';

const CHANNEL = 'C0DEPLOYS';

function imageOf(kube: FakeKube): string | undefined {
  return kube.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image;
}

function statusMessage(bot: TestBot): FakeMessage | undefined {
  return bot.slack.messages(CHANNEL).find((m) => m.text.startsWith('Rollback of kaizen'));
}

async function waitForOutcome(bot: TestBot, pattern: RegExp, timeoutMs = 20_000): Promise<FakeMessage> {
  await bot.slack.waitFor(() => pattern.test(statusMessage(bot)?.text ?? ''), timeoutMs);
  return statusMessage(bot) as FakeMessage;
}

describe('/rollback on Kubernetes, end to end through Slack, BullMQ and the cluster', () => {
  let kube: FakeKube;
  let bot: TestBot;
  let health: Server;
  let healthVersion = 'v0.8.0';

  beforeAll(async () => {
    health = createServer((_req, res) => {
      res.writeHead(healthVersion === 'broken' ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ version: healthVersion }));
    });
    await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => health.close(resolve));
  });

  beforeEach(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({
      name: 'kaizen',
      container: 'kaizen',
      image: 'kaizen:v0.6.0',
      replicas: 3,
      progressDeadlineSeconds: 3,
    });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.7.0');
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    const port = (health.address() as AddressInfo).port;
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      services: {
        kaizen: {
          name: 'kaizen',
          environment: 'production',
          channel: CHANNEL,
          strategy: 'kubernetes',
          kubernetes: {
            namespace: 'default',
            deployment: 'kaizen',
            container: 'kaizen',
            image: 'kaizen',
            rolloutTimeout: '20s',
          },
          verify: {
            healthUrl: `http://127.0.0.1:${port}/health`,
            expectStatus: 200,
            logErrorPattern: '\\b(ERROR|FATAL)\\b',
          },
        },
        billing: {
          name: 'billing',
          channel: CHANNEL,
          strategy: 'kubernetes',
          kubernetes: { deployment: 'billing', container: 'billing', image: 'billing' },
        },
      },
    });
  });
  afterEach(async () => {
    await bot.close();
    await kube.close();
  });

  it('rolls back to an image version: plan in the acknowledgement, status updated in place to success', async () => {
    const { status, body } = await bot.slash('kaizen v0.7.0 --reason "error rate at 12%"');
    expect(status).toBe(200);
    expect(body.response_type).toBe('ephemeral');
    expect(blocksText(body)).toContain('v0.8.0');
    expect(blocksText(body)).toContain('v0.7.0');
    expect(body.text).toMatch(/job kaizen-[a-z0-9]+-[a-z0-9]{4}/);

    const done = await waitForOutcome(bot, /Rolled back kaizen/);
    expect(done.text).toContain('from v0.8.0');
    expect(done.updates).toBeGreaterThan(0);
    expect(imageOf(kube)).toBe('kaizen:v0.7.0');
    await bot.slack.waitFor(
      () => (statusMessage(bot)?.replies ?? []).some((r) => /post-mortem/i.test(blocksText(r))),
      // Thread replies keep to Slack's one post per second per channel (after a short burst).
      10_000,
    );
    const thread = bot.slack
      .messages(CHANNEL)[0]!
      .replies.map((r) => r.text)
      .join('\n');
    expect(thread).toMatch(/3\/3|ready/);
    // Only one status message for the rollback, updated in place.
    expect(bot.slack.messages(CHANNEL).filter((m) => m.text.startsWith('Rollback of kaizen'))).toHaveLength(
      1,
    );
    // Operators see it in Prometheus metrics.
    const metrics = await (await fetch(`${bot.bot.url}/metrics`)).text();
    expect(metrics).toContain(
      'rollbackbot_rollbacks_finished_total{service="kaizen",strategy="kubernetes",state="succeeded"} 1',
    );
    expect(metrics).toMatch(
      /rollbackbot_http_request_duration_seconds_count\{route="\/slack\/events",status="200"\} [1-9]/,
    );
    expect(metrics).toMatch(/rollbackbot_steps_finished_total\{step="rollback",state="done"\} 1/);
  });

  it('native undo with no version goes to the previous revision, as kubectl rollout undo does', async () => {
    const { body } = await bot.slash('kaizen');
    expect(blocksText(body)).toMatch(/revision 2/);
    await waitForOutcome(bot, /Rolled back kaizen/);
    expect(imageOf(kube)).toBe('kaizen:v0.7.0');
    const revisions = kube
      .replicaSets('default')
      .map((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision']);
    expect(revisions).toContain('4');
  });

  it('--to-revision N goes to that revision', async () => {
    const { body } = await bot.slash('kaizen --to-revision 1');
    expect(blocksText(body)).toMatch(/revision 1/);
    await waitForOutcome(bot, /Rolled back kaizen/);
    expect(imageOf(kube)).toBe('kaizen:v0.6.0');
  });

  it('a rollout that exceeds its deadline fails the job with the reason and the Deployment events', async () => {
    kube.markImageBroken('kaizen:v0.7.0');
    await bot.slash('kaizen v0.7.0');
    const failed = await waitForOutcome(bot, /failed|Failed/, 30_000);
    expect(blocksText(failed)).toMatch(/progress deadline/i);
    await bot.slack.waitFor(
      () => (statusMessage(bot)?.replies ?? []).some((r) => /ScalingReplicaSet|BackOff|Failed/.test(r.text)),
      5_000,
    );
  });

  it('--dry-run shows the plan and the exact change, and changes nothing', async () => {
    const before = kube.deployment('default', 'kaizen');
    const { body } = await bot.slash('kaizen v0.7.0 --dry-run');
    expect(blocksText(body)).toMatch(/dry run|nothing will change/i);
    expect(blocksText(body)).toContain('kaizen:v0.7.0');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(kube.deployment('default', 'kaizen').metadata?.generation).toBe(before.metadata?.generation);
    expect(kube.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    expect(bot.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it.each([
    ['kaizn v0.7.0', /Unknown service "kaizn"[\s\S]*kaizen/],
    ['kaizen v1.0;rm', /version/i],
    ['kaizen $(id)', /version/i],
    ['kaizen --to-revision 9', /revision 9[\s\S]*(1|2|3)/],
    ['kaizen v0.8.0', /already/i],
    ['kaizen --frobnicate', /unknown option/i],
    [`kaizen ${'v'.repeat(200)}`, /version|long/i],
  ])('refuses `/rollback %s` with a clear ephemeral message and enqueues nothing', async (text, expected) => {
    const { status, body } = await bot.slash(text);
    expect(status).toBe(200);
    expect(body.response_type).toBe('ephemeral');
    expect(blocksText(body)).toMatch(expected);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bot.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(kube.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it('tells the user plainly when the cluster cannot be read, after retrying, and enqueues nothing', async () => {
    kube.injectFault({ method: 'GET', path: /deployments\/kaizen/, status: 503, times: 50 });
    const { status, body } = await bot.slash('kaizen v0.7.0');
    expect(status).toBe(200);
    expect(body.response_type).toBe('ephemeral');
    expect(blocksText(body)).toMatch(/Kubernetes API .* answered 503/);
    expect(
      kube.requests.filter((r) => r.method === 'GET' && /deployments\/kaizen/.test(r.path)).length,
    ).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bot.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(kube.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it('refuses a second rollback of the same service while one is running, naming it', async () => {
    kube.markImageBroken('kaizen:v0.7.0');
    const first = await bot.slash('kaizen v0.7.0');
    const jobId = /job (kaizen-[a-z0-9-]+)/.exec(first.body.text ?? '')?.[1];
    expect(jobId).toBeDefined();
    const second = await bot.slash('kaizen v0.6.0', { userId: 'U0BOB', userName: 'bob' });
    expect(blocksText(second.body)).toContain(`already in progress by alice`);
    expect(blocksText(second.body)).toContain(jobId as string);
    expect(blocksText(second.body)).toContain(
      `Try: \`/rollback status ${jobId as string}\` or \`/rollback cancel ${jobId as string}\``,
    );
    await waitForOutcome(bot, /failed|Failed/, 30_000);
  });

  it('rejects forged signatures and replayed (old) requests without running anything', async () => {
    const forged = await postToBot(
      bot.bot.url as string,
      slashCommandRequest({ signingSecret: SIGNING_SECRET, text: 'kaizen v0.7.0', badSignature: true }),
    );
    expect(forged.status).toBe(401);
    const old = await postToBot(
      bot.bot.url as string,
      slashCommandRequest({
        signingSecret: SIGNING_SECRET,
        text: 'kaizen v0.7.0',
        timestamp: Math.floor(Date.now() / 1000) - 600,
      }),
    );
    expect(old.status).toBe(401);
    const future = await postToBot(
      bot.bot.url as string,
      slashCommandRequest({
        signingSecret: SIGNING_SECRET,
        text: 'kaizen v0.7.0',
        timestamp: Math.floor(Date.now() / 1000) + 600,
      }),
    );
    expect(future.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(kube.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it('a Slack outage delays the status message but never the rollback', async () => {
    bot.slack.failHttpNext('chat.postMessage', 503, 3);
    await bot.slash('kaizen v0.7.0');
    await waitForOutcome(bot, /Rolled back kaizen/, 30_000);
    expect(imageOf(kube)).toBe('kaizen:v0.7.0');
    expect(bot.slack.messages(CHANNEL).filter((m) => m.text.startsWith('Rollback of kaizen'))).toHaveLength(
      1,
    );
  });

  it('Slack rate limits (429 with Retry-After) on updates are waited out; the final state still shows', async () => {
    bot.slack.rateLimitNext('chat.update', 1, 3);
    await bot.slash('kaizen v0.7.0');
    const done = await waitForOutcome(bot, /Rolled back kaizen/, 30_000);
    expect(done.text).toContain('v0.7.0');
    expect(bot.slack.callsTo('chat.update').length).toBeGreaterThan(3);
  });

  it('versions lists the revisions with their images; help shows the grammar', async () => {
    healthVersion = 'v0.8.0';
    const versions = await bot.slash('versions kaizen');
    expect(blocksText(versions.body)).toContain('kaizen:v0.6.0');
    expect(blocksText(versions.body)).toContain('kaizen:v0.7.0');
    const help = await bot.slash('help');
    expect(blocksText(help.body)).toContain('--to-revision');
  });
});
