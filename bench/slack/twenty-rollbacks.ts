import { SLACK_LIMITS } from '../../test/support/fake-slack/index.js';
import { startTestBot } from '../../test/support/test-bot.js';
import { deploymentServiceIn } from '../../test/support/kaizen-service.js';

export interface TwentyRollbacksResult {
  /** From the first command to the last job's end (s). */
  rollbackSeconds: number;
  succeeded: number;
  finalsShown: number;
  /** Per status message: its final state shown minus its job's end (ms), sorted. */
  finalLagMs: number[];
  /** From the first command to the last final state shown (s): faster jobs lengthen the lags above
   * when posts at one a second per channel are the bottleneck, not this. */
  allShownSeconds: number;
  threadsComplete: number;
  calls: number;
  refused: number;
}

const CHANNEL = 'C0DEPLOYS';
const SERVICES = Array.from({ length: 20 }, (_, i) => `svc${i + 1}`);

/** The fake cluster the rollbacks run on (in-process or in its own thread). */
export interface TwentyCluster {
  kubeconfigPath: string;
  createDeployment(spec: {
    name: string;
    container: string;
    image: string;
    replicas?: number;
  }): Promise<unknown>;
  deploy(namespace: string, name: string, container: string, image: string): Promise<void>;
}

const service = (name: string) =>
  deploymentServiceIn(name, CHANNEL, { kubernetes: { rolloutTimeout: '60s' } });

/**
 * 20 real Kubernetes rollbacks at once in one channel, through the whole bot (signed commands, queue,
 * 10 jobs at a time, the fake cluster), against a fake Slack that answers in `latencyMs` and enforces
 * Slack's own limits (1 post per second per channel, chat.update 50 per minute): how long after each job
 * ended its status message showed the final state, as test/e2e/twenty-rollbacks-one-channel.test.ts runs
 * it at 20× Slack's rates.
 */
export async function twentyRollbacks(
  kube: TwentyCluster,
  latencyMs: number,
  waitThreadsMs: number,
): Promise<TwentyRollbacksResult> {
  for (const name of SERVICES) {
    await kube.createDeployment({ name, container: name, image: `${name}:v0.7.0`, replicas: 2 });
    await kube.deploy('default', name, name, `${name}:v0.8.0`);
  }
  const bot = await startTestBot({
    kubeconfigPath: kube.kubeconfigPath,
    services: Object.fromEntries(SERVICES.map((name) => [name, service(name)])),
    fakeSlack: { latencyMs, limits: SLACK_LIMITS },
    config: { workerConcurrency: 10 },
  });
  try {
    // When each status message (never a thread reply) first showed "Rolled back", as the fake acted on it.
    const shownAt = new Map<string, number>();
    bot.slack.onActed((call) => {
      const { channel, text, thread_ts: thread } = call.args;
      const name = /^Rollback of (svc\d+) /.exec(String(text))?.[1];
      const final = /Rolled back/.test(String(text));
      if (channel === CHANNEL && thread === undefined && final && name && !shownAt.has(name))
        shownAt.set(name, Date.now());
    });
    const before = bot.slack.calls.length;
    const started = Date.now();
    const acks = await Promise.all(
      SERVICES.map((name) => bot.slash(`${name} v0.7.0`, { responseUrl: bot.slack.responseUrl(name) })),
    );
    const jobIds = acks.map((ack) => /job ([a-z0-9]+-[a-z0-9]+-[a-z0-9]{4})/.exec(ack.body.text ?? '')?.[1]);
    const finals = async () =>
      Promise.all(jobIds.map((id) => (id ? bot.bot.rollbacks.status(id) : undefined)));
    const deadline = Date.now() + 180_000;
    let ended = await finals();
    while (Date.now() < deadline && !ended.every((s) => s?.state === 'succeeded' || s?.state === 'failed')) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      ended = await finals();
    }
    const endOf = (i: number) => Date.parse(ended[i]?.endedAt ?? '');
    const lastEnd = Math.max(...SERVICES.map((_, i) => endOf(i)));
    while (Date.now() < deadline && shownAt.size < SERVICES.length)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const finalLagMs = SERVICES.map((name, i) => (shownAt.get(name) ?? Number.NaN) - endOf(i)).sort(
      (a, b) => a - b,
    );
    await new Promise((resolve) => setTimeout(resolve, waitThreadsMs));
    const messages = bot.slack.messages(CHANNEL);
    const calls = bot.slack.calls.slice(before).filter((c) => c.method !== 'response_url');
    return {
      rollbackSeconds: (lastEnd - started) / 1000,
      succeeded: ended.filter((s) => s?.state === 'succeeded').length,
      finalsShown: shownAt.size,
      finalLagMs,
      allShownSeconds: (Math.max(...shownAt.values()) - started) / 1000,
      threadsComplete: messages.filter((m) => m.replies.some((r) => r.text.startsWith('Checklists:'))).length,
      calls: calls.length,
      refused: calls.filter((c) => c.status === 429).length,
    };
  } finally {
    bot.slack.onActed(undefined);
    await bot.close();
  }
}
