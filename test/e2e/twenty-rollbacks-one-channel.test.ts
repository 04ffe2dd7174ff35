import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { renderStatusMessage } from '../../src/render/slack/index.js';
import { SLACK_RATE_LIMITS } from '../../src/stores/redis-slack-rate-limiter.js';
import { callBudget } from '../../src/surfaces/slack/call-allowance.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { scaledLimits, type FakeMessage, type RecordedCall } from '../support/fake-slack/index.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { deploymentServiceIn } from '../support/kaizen-service.js';

const CHANNEL = 'C0DEPLOYS';
const SERVICES = Array.from({ length: 20 }, (_, i) => `svc${i + 1}`);
/** Slack's limits (1 post/s/channel, 50 updates/min) on a clock running this many times faster, bot and fake alike. */
const SPEED = 20;

const service = (name: string) =>
  deploymentServiceIn(name, CHANNEL, { kubernetes: { rolloutTimeout: '60s' } });

const jobIdOf = (text: string | undefined) => /job ([a-z0-9]+-[a-z0-9]+-[a-z0-9]{4})/.exec(text ?? '')?.[1];
const metadataJob = (call: RecordedCall) =>
  (call.args.metadata as { event_payload?: Record<string, string> } | undefined)?.event_payload;
const isUpload = (method: string) => method.startsWith('files.') || method === 'file_upload';

/**
 * The calls of one rollback: posts naming its job, edits of its status message and thread, and look-ups in
 * its thread (a reply Slack refused with 429 after its post intent was recorded is looked for first).
 */
function callsOf(calls: RecordedCall[], jobId: string, status: FakeMessage): RecordedCall[] {
  const ours = new Set([status.ts, ...status.replies.map((r) => r.ts)]);
  return calls.filter(
    (c) =>
      metadataJob(c)?.job_id === jobId ||
      ((c.method === 'chat.update' || c.method === 'conversations.replies') && ours.has(String(c.args.ts))) ||
      String(c.args.text ?? '').includes(jobId),
  );
}

describe('20 Kubernetes rollbacks at once in one channel, against a fake Slack that enforces its limits', () => {
  let kube: FakeKube;
  let bot: TestBot;
  afterEach(async () => {
    await bot.close();
    await kube.close();
  });

  it('every status message ends in its true final state within its call budget; each part posted once, in order, few 429s', async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    for (const name of SERVICES) {
      await kube.createDeployment({ name, container: name, image: `${name}:v0.7.0`, replicas: 2 });
      await kube.deploy('default', name, name, `${name}:v0.8.0`);
    }
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      services: Object.fromEntries(SERVICES.map((name) => [name, service(name)])),
      fakeSlack: { latencyMs: 50, limits: scaledLimits(SPEED) },
      config: { workerConcurrency: 10 },
      overrides: {
        slackRateLimits: {
          perMinute: Object.fromEntries(
            Object.entries(SLACK_RATE_LIMITS.perMinute).map(([m, n]) => [m, n * SPEED]),
          ),
          postsPerSecondPerChannel: SLACK_RATE_LIMITS.postsPerSecondPerChannel * SPEED,
        },
      },
    });
    await bot.slack.waitFor(() => bot.slack.callsTo('auth.test').length === 1, 10_000);
    const before = bot.slack.calls.length;

    const acks = await Promise.all(
      SERVICES.map((name) => bot.slash(`${name} v0.7.0`, { responseUrl: bot.slack.responseUrl(name) })),
    );
    // The plan is in the acknowledgement, or, when planning took longer than Slack waits, follows on response_url.
    const planned = (name: string) =>
      bot.slack
        .callsTo('response_url')
        .filter((c) => c.responseUrlId === name)
        .map((c) => jobIdOf(JSON.stringify(c.args)))
        .find((id) => id !== undefined);
    const jobIds = async () => SERVICES.map((name, i) => jobIdOf(acks[i]?.body.text) ?? planned(name));
    const deadline = Date.now() + 60_000;
    while ((await jobIds()).includes(undefined) && Date.now() < deadline) await sleep(250);
    // A command without a job by then: say what its user was told, so a failure shows why.
    const ids = await jobIds();
    const told = (name: string, i: number) =>
      `${name}: ack ${acks[i]?.status} ${JSON.stringify(acks[i]?.body)}; response_url ${JSON.stringify(
        bot.slack
          .callsTo('response_url')
          .filter((c) => c.responseUrlId === name)
          .map((c) => c.args),
      )}`;
    expect(SERVICES.flatMap((name, i) => (ids[i] === undefined ? [told(name, i)] : []))).toEqual([]);
    const jobs = (await jobIds()).map((jobId, i) => ({ service: SERVICES[i]!, jobId: jobId! }));

    // Every rollback really happened on the cluster, and succeeded.
    const ended = async () =>
      (await Promise.all(jobs.map((j) => bot.bot.rollbacks.status(j.jobId)))).every(
        (s) => s?.state === 'succeeded' || s?.state === 'failed',
      );
    await expect.poll(ended, { timeout: 180_000, interval: 250 }).toBe(true);
    const finals = await Promise.all(jobs.map((j) => bot.bot.rollbacks.status(j.jobId)));
    for (const [i, final] of finals.entries()) {
      expect(final?.state).toBe('succeeded');
      expect(final?.steps).toHaveLength(5);
      const image = kube.deployment('default', SERVICES[i]!).spec?.template.spec?.containers[0]?.image;
      expect(image).toBe(`${SERVICES[i]}:v0.7.0`);
    }

    // Each status message ends showing its own final state; its thread then closes with the checklists.
    const statusOf = (name: string) =>
      bot.slack.messages(CHANNEL).find((m) => m.text.startsWith(`Rollback of ${name} `));
    const drawn = () =>
      jobs.every((j, i) => {
        const status = statusOf(j.service);
        const steps = new Set(finals[i]?.details.map((d) => d.stepId)).size;
        return /Rolled back/.test(status?.text ?? '') && (status?.replies.length ?? 0) >= steps + 1;
      });
    await expect.poll(drawn, { timeout: 180_000, interval: 250 }).toBe(true);
    expect(bot.slack.messages(CHANNEL)).toHaveLength(20);
    // ...and that is the true final state: what the rollback's last snapshot draws, every step's line included.
    const shows = async (job: { service: string; jobId: string }) => {
      const latest = await bot.bot.rollbacks.status(job.jobId);
      const expected = latest ? renderStatusMessage(latest) : undefined;
      const status = statusOf(job.service);
      const drawnBlocks = JSON.stringify(status?.blocks);
      const sections = (expected?.blocks ?? []).filter((b) => b.type === 'section');
      return (
        status?.text === expected?.text && sections.every((b) => drawnBlocks.includes(JSON.stringify(b)))
      );
    };
    const allShow = async () => (await Promise.all(jobs.map(shows))).every(Boolean);
    await expect.poll(allShow, { timeout: 30_000, interval: 250 }).toBe(true);

    const calls = bot.slack.calls.slice(before).filter((c) => c.method !== 'response_url');
    const counts: string[] = [];
    for (const [i, job] of jobs.entries()) {
      const status = statusOf(job.service)!;
      const ours = callsOf(calls, job.jobId, status);
      // The status surface's calls (the post-mortem reminder, a stakeholder notification the outbox
      // schedules at most once, is counted apart): one status message, one reply per step that has
      // details, the checklists, each posted once; the rest are edits in place.
      const reminders = ours.filter((c) => c.method === 'chat.scheduleMessage' && c.status === 200);
      expect(reminders.length).toBeLessThanOrEqual(1);
      const spent = ours.filter(
        (c) => c.status !== 429 && !isUpload(c.method) && c.method !== 'chat.scheduleMessage',
      );
      const stepsWithDetails = new Set(finals[i]?.details.map((d) => d.stepId)).size;
      expect(spent.filter((c) => c.method === 'chat.postMessage')).toHaveLength(stepsWithDetails + 2);
      const kinds = new Set(['chat.postMessage', 'chat.update', 'conversations.replies']);
      expect(spent.filter((c) => !kinds.has(c.method))).toEqual([]);
      // The budget of the status drawing, counting every call sent: one Slack refused with 429 is spent too.
      const sent = ours.filter((c) => !isUpload(c.method) && c.method !== 'chat.scheduleMessage');
      const refused = sent.filter((c) => c.status === 429).length;
      counts.push(refused > 0 ? `${sent.length} (${refused}×429)` : String(sent.length));
      expect(sent.length, sent.map((c) => `${c.method} ${c.status}`).join(', ')).toBeLessThanOrEqual(
        callBudget(finals[i]!.steps.length),
      );
      // In order: the status message first, the step replies in step order, the checklists after them.
      const posts = spent.filter((c) => c.method === 'chat.postMessage' && c.status === 200);
      const parts = posts.map((c) => metadataJob(c));
      expect(parts[0]?.kind).toBe('status');
      const stepOrder = finals[i]!.steps.map((s) => s.id);
      const replied = parts.filter((p) => p?.kind === 'step').map((p) => stepOrder.indexOf(p?.step_id ?? ''));
      expect(replied).toEqual([...replied].sort((a, b) => a - b));
      expect(parts.at(-1)?.kind).toBe('checklists');
      expect(parts.filter((p) => p?.kind === 'status')).toHaveLength(1);
    }
    // Every call belongs to one of the rollbacks (nothing drawn twice elsewhere), and Slack seldom refuses.
    const attributed = new Set(jobs.flatMap((j) => callsOf(calls, j.jobId, statusOf(j.service)!)));
    // (A status post refused with 429 is looked for in the channel's history: that look-up names no job.)
    const lookUp = (c: RecordedCall) => c.method === 'conversations.history';
    expect(
      calls.filter((c) => !attributed.has(c) && !isUpload(c.method) && !lookUp(c)).map((c) => c.method),
    ).toEqual([]);
    const chat = calls.filter((c) => c.method.startsWith('chat.'));
    expect(chat.filter((c) => c.status === 429).length).toBeLessThanOrEqual(chat.length / 10);
    // The spread is logged for BENCHMARKS.md.
    console.log(
      `Web API calls per rollback: ${[...counts].sort((a, b) => parseInt(a) - parseInt(b)).join(', ')}`,
    );
  }, 300_000);
});
