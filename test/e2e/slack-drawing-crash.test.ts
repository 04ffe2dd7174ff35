import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startBotProcess, type BotProcess } from '../support/bot-process.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../support/fake-slack/index.js';
import { kaizenService } from '../support/kaizen-service.js';
import { deletePrefix, testPrefix } from '../support/redis-test-prefix.js';
import { jobIdOf, RollbackObserver } from '../support/rollback-observer.js';
import { postToBot, slashCommandRequest } from '../support/slack-request.js';
import { SIGNING_SECRET } from '../support/test-bot.js';

const CHANNEL = 'C0DEPLOYS';
/** The bound: a crashed process's render lock holds the status back a few seconds, not 25 s. */
const CURRENT_WITHIN_MS = 10_000;

const metadataOf = (call: RecordedCall) =>
  call.args.metadata as { event_payload?: Record<string, string> } | undefined;
const isStepReply = (call: RecordedCall) =>
  call.method === 'chat.postMessage' && metadataOf(call)?.event_payload?.kind === 'step';

describe('a bot process (ROLE=all) SIGKILLed right after a thread reply reached Slack', () => {
  const prefix = testPrefix('drawing-crash');
  let servicesDir: string;
  let kube: FakeKube;
  let slack: FakeSlack;
  let observer: RollbackObserver;
  const bots: BotProcess[] = [];

  const startBot = () =>
    startBotProcess({
      prefix,
      servicesDir,
      env: {
        KUBECONFIG: kube.kubeconfigPath,
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.url,
        // A killed process's rollback job is taken over within a few seconds (README: crash recovery).
        WORKER_LOCK_DURATION_MS: '2000',
        WORKER_STALLED_INTERVAL_MS: '1000',
      },
    });

  beforeEach(async () => {
    servicesDir = await mkdtemp(join(tmpdir(), 'rollback-services-'));
    await writeFile(join(servicesDir, 'kaizen.yaml'), stringify(kaizenService('60s')));
    kube = await startFakeKube({ readyDelayMs: 3_000 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 2 });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    slack = await startFakeSlack();
    observer = new RollbackObserver(prefix);
  }, 60_000);
  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.stop();
    observer.close();
    await slack.close();
    await kube.close();
    await deletePrefix(prefix);
    await rm(servicesDir, { recursive: true, force: true });
  });

  it('the next process finds the reply instead of posting it again, and the status shows the end within seconds', async () => {
    const first = await startBot();
    bots.push(first);
    // The first step reply is in the thread, and its poster dies before hearing back: never recorded.
    let killedAfter: RecordedCall | undefined;
    let killed = false;
    slack.onActed(async (call) => {
      if (killedAfter || !isStepReply(call)) return;
      killedAfter = call;
      await first.kill();
      killed = true;
    });
    const command = slashCommandRequest({
      signingSecret: SIGNING_SECRET,
      text: 'kaizen v0.7.0',
      responseUrl: slack.responseUrl('cmd'),
    });
    const afterStart = slack.calls.length;
    const ack = await postToBot(first.url, command);
    expect(ack.status).toBe(200);
    const planText = await ack.text();
    await slack.waitFor(() => killed, 30_000);
    slack.onActed(undefined);
    expect(first.alive()).toBe(false);
    const jobId = jobIdOf(
      planText.includes('job kaizen-')
        ? planText
        : slack
            .callsTo('response_url')
            .map((c) => JSON.stringify(c.args))
            .join('\n'),
    );
    const interrupted = await observer.snapshot(jobId);
    expect(interrupted?.state).not.toBe('succeeded');

    const second = await startBot();
    bots.push(second);
    const final = await observer.waitFor(
      jobId,
      (s) => s.state === 'succeeded' || s.state === 'failed',
      90_000,
    );
    expect(final.state).toBe('succeeded');
    expect(kube.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image).toBe(
      'kaizen:v0.7.0',
    );

    // The status message shows the outcome a few seconds after the job ended, not after a dead lock expired.
    const status = () => slack.messages(CHANNEL).find((m) => m.text.startsWith('Rollback of kaizen'));
    await slack.waitFor(() => /Rolled back kaizen/.test(status()?.text ?? ''), 30_000);
    const drawnFinal = slack.calls.find(
      (c) => c.method === 'chat.update' && /Rolled back kaizen/.test(String(c.args.text)),
    );
    expect(drawnFinal!.at - Date.parse(final.endedAt!)).toBeLessThanOrEqual(CURRENT_WITHIN_MS);

    // Every step with details has exactly one reply in the thread, the interrupted one included.
    const stepsWithDetails = [...new Set(final.details.map((d) => d.stepId))];
    await slack.waitFor(() => (status()?.replies.length ?? 0) >= stepsWithDetails.length + 1, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // anything still to draw would show now
    const replySteps = (status()?.replies ?? [])
      .map((r) => r.metadata?.event_payload.step_id)
      .filter((id) => id !== undefined);
    expect(replySteps.sort()).toEqual([...stepsWithDetails].sort());
    const killedStep = metadataOf(killedAfter!)?.event_payload?.step_id;
    expect(
      slack.calls.filter(isStepReply).filter((c) => metadataOf(c)?.event_payload?.step_id === killedStep),
    ).toHaveLength(1);
    expect(slack.messages(CHANNEL)).toHaveLength(1);

    // Every post went out once; the crash cost one look-up (by the posts' metadata), nothing more.
    const webApi = slack.calls.slice(afterStart);
    const posts = webApi.filter((c) => c.method === 'chat.postMessage');
    const kinds = posts.map((c) => metadataOf(c)?.event_payload);
    expect(kinds.filter((k) => k?.kind === 'status')).toHaveLength(1);
    expect(kinds.filter((k) => k?.kind === 'checklists')).toHaveLength(1);
    expect(
      kinds
        .filter((k) => k?.kind === 'step')
        .map((k) => k?.step_id)
        .sort(),
    ).toEqual([...stepsWithDetails].sort());
    expect(posts).toHaveLength(stepsWithDetails.length + 2);
    expect(webApi.filter((c) => c.method.startsWith('conversations.'))).toHaveLength(1);
  }, 240_000);
});
