/**
 * Slack at real-world limits, side by side in one run, with a fake Slack that answers every Web API call in
 * `--latency` ms (150 by default, as a workspace across the internet does):
 *  - ack latency (10 concurrent) and throughput (50 concurrent) of `/rollback help` and of a dry run,
 *    against a bare Node server that only checks the Slack signature (ratios);
 *  - Web API calls of one 5-step Kubernetes rollback;
 *  - command -> final status drawn, against `kubectl set image` + `kubectl rollout status` by hand on the
 *    same fake cluster;
 *  - 20 real rollbacks at once in one channel at Slack's own limits (1 post/s/channel, 50 updates/min);
 *  - idle and loaded RSS of the compiled bot with ROLE=all.
 * Prints figures; never fails on a number.
 *
 *   npx tsx bench/slack-at-limits.ts [--latency 150] [--duration 5] [--runs 5] [--skip-rss | --rss-only]
 *     [--rollbacks-only]   (only the whole rollbacks against kubectl by hand: no ack load, no 20 rollbacks, no RSS)
 *     [--twenty-only]      (only the 20 rollbacks in one channel)
 *     [--acks-only]        (only the ack load against the floor)
 *     [--ack-rounds 1]     (floor and bot loads, alternating, this many times; the ratios' medians are the figures)
 *     [--kube-in-process]  (the fake cluster on the bench's own thread, sharing the bot's event loop, as the
 *                           bench ran until 2026-12-04; by default it runs in a worker thread of its own)
 *     [--pod-ready 20]     (ms from a pod's start to Ready on the fake cluster: 20 gives a 3-pod rollout of
 *                           about 120 ms; a real cluster's readiness probes take seconds)
 */
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import { runKubectl } from '../test/support/fake-kube/run-kubectl.js';
import { startFakeKube } from '../test/support/fake-kube/index.js';
import type { RecordedCall } from '../test/support/fake-slack/index.js';
import { slashCommandRequest } from '../test/support/slack-request.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../test/support/test-bot.js';
import { kaizenService } from '../test/support/kaizen-service.js';
import { startBareSignatureServer } from './slack/bare-signature-server.js';
import { startFakeKubeThread, type FakeKubeThread } from './slack/fake-kube-thread.js';
import { measureRss } from './slack/measure-rss.js';
import { twentyRollbacks } from './slack/twenty-rollbacks.js';

const { values } = parseArgs({
  options: {
    latency: { type: 'string', default: '150' },
    duration: { type: 'string', default: '5' },
    runs: { type: 'string', default: '5' },
    'skip-rss': { type: 'boolean', default: false },
    'rss-only': { type: 'boolean', default: false },
    'rollbacks-only': { type: 'boolean', default: false },
    'kube-in-process': { type: 'boolean', default: false },
    'twenty-only': { type: 'boolean', default: false },
    'acks-only': { type: 'boolean', default: false },
    'ack-rounds': { type: 'string', default: '1' },
    'pod-ready': { type: 'string', default: '20' },
  },
});
const latencyMs = Number(values.latency);
const duration = Number(values.duration);
const runs = Number(values.runs);
const podReadyMs = Number(values['pod-ready']);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');

async function load(url: string, text: string, connections: number) {
  const request = slashCommandRequest({ signingSecret: SIGNING_SECRET, text });
  const r = await autocannon({
    url,
    method: 'POST',
    headers: request.headers,
    body: request.body,
    connections,
    duration,
  });
  return {
    p50: r.latency.p50,
    p99: r.latency.p99,
    rps: r.requests.average,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

/** The fake cluster, by default in a thread of its own (fake-kube-thread.ts says why). */
async function startKube(): Promise<Omit<FakeKubeThread, 'url'>> {
  if (!values['kube-in-process']) return startFakeKubeThread({ readyDelayMs: podReadyMs });
  const fake = await startFakeKube({ readyDelayMs: podReadyMs });
  return {
    kubeconfigPath: fake.kubeconfigPath,
    createDeployment: (spec) => fake.createDeployment(spec),
    deploy: (...args) => fake.deploy(...args),
    deployment: async (namespace, name) => fake.deployment(namespace, name),
    close: () => fake.close(),
  };
}

const kube = await startKube();
await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.6.0' });
await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.7.0');
await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
const service = kaizenService('60s', { channel: 'C0DEPLOYS' });
async function slackLimits(): Promise<void> {
  const floor = await startBareSignatureServer(SIGNING_SECRET);
  const bot = await startTestBot({
    kubeconfigPath: kube.kubeconfigPath,
    services: { kaizen: service },
    fakeSlack: { latencyMs },
    overrides: { slackRetries: 2 },
  });
  console.log(
    `slack-at-limits: fake Slack latency ${latencyMs} ms, node ${process.version}, ${duration} s per load run, fake cluster ${values['kube-in-process'] ? "on the bot's thread" : 'in its own thread'}, pods ready ${podReadyMs} ms after they start`,
  );

  const only = values['rollbacks-only'] || values['twenty-only'];
  if (!only) await acks(bot, floor.url);
  if (!values['twenty-only'] && !values['acks-only']) await rollbacks(bot);
  await bot.close();
  if (!values['rollbacks-only'] && !values['acks-only']) await twenty();
  floor.server.close();
}

/** 1. Acks: the floor and the bot, one after the other in this run. */
async function acks(bot: TestBot, floorUrl: string): Promise<void> {
  const events = `${bot.bot.url}/slack/events`;
  const rounds = Number(values['ack-rounds']);
  for (const [label, text] of [
    ['/rollback help', 'help'],
    ['/rollback kaizen v0.7.0 --dry-run', 'kaizen v0.7.0 --dry-run'],
  ] as const) {
    console.log(`  ack ${label}`);
    const p99Ratios: number[] = [];
    const rpsRatios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const f10 = await load(floorUrl, text, 10);
      const b10 = await load(events, text, 10);
      const f50 = await load(floorUrl, text, 50);
      const b50 = await load(events, text, 50);
      p99Ratios.push(b10.p99 / f10.p99);
      rpsRatios.push(b50.rps / f50.rps);
      console.log(
        `    10 concurrent: bot p50 ${b10.p50} ms p99 ${b10.p99} ms | floor p50 ${f10.p50} ms p99 ${f10.p99} ms | p99 ratio ${ratio(b10.p99, f10.p99)}x (target <= 2)`,
      );
      console.log(
        `    50 concurrent: bot ${b50.rps.toFixed(0)} req/s | floor ${f50.rps.toFixed(0)} req/s | throughput ratio ${ratio(b50.rps, f50.rps)} (target >= 0.5); bot non-2xx ${b10.non2xx + b50.non2xx}, errors ${b10.errors + b50.errors}`,
      );
    }
    if (rounds > 1)
      console.log(
        `    median of ${rounds} rounds: p99 ratio ${median(p99Ratios).toFixed(2)}x (target <= 2), throughput ratio ${median(rpsRatios).toFixed(2)} (target >= 0.5)`,
      );
  }
  console.log(
    `  auth.test calls during all of that: ${bot.slack.callsTo('auth.test').length} (1 = the one at start-up)`,
  );
}

/** 2 + 3. Whole rollbacks: calls per rollback, command -> final status drawn, vs kubectl by hand. */
async function rollbacks(bot: TestBot): Promise<void> {
  const image = async () =>
    (await kube.deployment('default', 'kaizen')).spec?.template.spec?.containers[0]?.image;
  // When this rollback's own status message (the channel's newest) showed its final state: the moment the
  // fake Slack acted on that call, taken as it happens (no polling between it and the clock).
  let drawnAt: number | undefined;
  let newest = (): unknown => undefined;
  const isFinal = (call: RecordedCall) => {
    const { channel, text, ts, thread_ts: thread } = call.args;
    if (channel !== 'C0DEPLOYS' || thread !== undefined || !/Rolled back kaizen/.test(String(text)))
      return false;
    return call.method === 'chat.postMessage' || (call.method === 'chat.update' && ts === newest());
  };
  bot.slack.onActed((call) => {
    if (drawnAt === undefined && isFinal(call)) drawnAt = performance.now();
  });
  const botTimes: number[] = [];
  const callCounts: number[] = [];
  const otherCounts: string[] = [];
  const kubectlTimes: number[] = [];
  // When the status post and the final chat.update reached the fake Slack (ms after the command).
  const postSent: number[] = [];
  const finalSent: number[] = [];
  for (let i = 0; i < runs; i++) {
    const target = (await image()) === 'kaizen:v0.7.0' ? 'v0.8.0' : 'v0.7.0';
    const before = bot.slack.calls.length;
    const posted = bot.slack.messages('C0DEPLOYS').length;
    newest = () => {
      const messages = bot.slack.messages('C0DEPLOYS');
      return messages.length > posted ? messages.at(-1)?.ts : undefined;
    };
    drawnAt = undefined;
    const startedWall = Date.now();
    const started = performance.now();
    await bot.slash(`kaizen ${target}`);
    await bot.slack.waitFor(() => drawnAt !== undefined, 60_000);
    botTimes.push((drawnAt ?? Number.NaN) - started);
    // The thread, the checklists and the post-mortem draft finish drawing (one post a second per channel).
    const status = () => bot.slack.messages('C0DEPLOYS').at(-1);
    await bot.slack.waitFor(() => {
      const replies = status()?.replies ?? [];
      return replies.some((r) => r.text.startsWith('Checklists:')) && replies.some((r) => r.files?.length);
    }, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // The status surface's calls; file uploads (the post-mortem draft) and the post-mortem reminder apart.
    const calls = bot.slack.calls.slice(before).filter((c) => c.method !== 'response_url');
    const inChannel = calls.filter((c) => c.args.channel === 'C0DEPLOYS' && c.args.thread_ts === undefined);
    const post = inChannel.find((c) => c.method === 'chat.postMessage');
    const final = inChannel.find((c) => /Rolled back kaizen/.test(String(c.args.text)));
    postSent.push((post?.at ?? Number.NaN) - startedWall);
    finalSent.push((final?.at ?? Number.NaN) - startedWall);
    const apart = (m: string) =>
      m.startsWith('files.') || m === 'file_upload' || m === 'chat.scheduleMessage';
    callCounts.push(calls.filter((c) => !apart(c.method)).length);
    otherCounts.push(
      `${calls.filter((c) => c.method.startsWith('files.') || c.method === 'file_upload').length}+${calls.filter((c) => c.method === 'chat.scheduleMessage').length}`,
    );

    const back = (await image()) === 'kaizen:v0.7.0' ? 'kaizen:v0.8.0' : 'kaizen:v0.7.0';
    const byHand = performance.now();
    await runKubectl(kube, ['set', 'image', 'deployment/kaizen', `kaizen=${back}`]);
    await runKubectl(kube, ['rollout', 'status', 'deployment/kaizen', '--timeout=60s']);
    kubectlTimes.push(performance.now() - byHand);
  }
  bot.slack.onActed(undefined);
  console.log(
    `  Web API calls per 5-step rollback (status, updates, thread, checklists): ${callCounts.join(', ')} (target <= 10); besides, upload + reminder calls: ${otherCounts.join(', ')}`,
  );
  console.log(
    `  command -> final status drawn: median ${median(botTimes).toFixed(0)} ms | kubectl set image + rollout status: median ${median(kubectlTimes).toFixed(0)} ms | ratio ${ratio(median(botTimes), median(kubectlTimes))}x (target <= 1.3)`,
  );
  const extra = botTimes.map((b, i) => b - (kubectlTimes[i] ?? Number.NaN));
  console.log(
    `    the bot's time beyond kubectl's, per run: median ${median(extra).toFixed(0)} ms (one chat.update answers in ${latencyMs} ms)`,
  );
  console.log(
    `    where the bot's time goes (medians): the status post reached Slack ${median(postSent).toFixed(0)} ms after the command, the final state ${median(finalSent).toFixed(0)} ms after (sent as soon as the post was answered, or the job ended), drawn ${latencyMs} ms later`,
  );
  console.log(
    `    each run (bot / kubectl, ms): ${botTimes.map((b, i) => `${b.toFixed(0)}/${kubectlTimes[i]?.toFixed(0)}`).join(', ')}`,
  );
}

/** 4. 20 real rollbacks at once in one channel, at Slack's real limits. */
async function twenty(): Promise<void> {
  const twenty = await twentyRollbacks(kube, latencyMs, 10_000);
  const lag = twenty.finalLagMs;
  console.log(
    `  20 rollbacks in one channel at Slack's limits (real, on the fake cluster): ${twenty.succeeded}/20 succeeded, the last job ended ${twenty.rollbackSeconds.toFixed(1)} s after the commands; final states shown ${twenty.finalsShown}/20, after each job's end p50 ${median(lag).toFixed(0)} ms, max ${Math.max(...lag).toFixed(0)} ms, the last ${twenty.allShownSeconds.toFixed(1)} s after the commands; threads closed by their checklists 10 s later ${twenty.threadsComplete}/20; calls ${twenty.calls}, 429 ${twenty.refused}`,
  );
}
if (!values['rss-only']) await slackLimits();

// 5. Memory of the compiled bot.
if (!values['skip-rss'] && !values['rollbacks-only'] && !values['twenty-only'] && !values['acks-only']) {
  const rss = await measureRss({
    kubeconfigPath: kube.kubeconfigPath,
    slackApiUrl: 'http://127.0.0.1:9/api/',
    service,
    requests: 400,
  });
  console.log(
    `  RSS, ROLE=all, one service: idle ${rss.idleMb.toFixed(0)} MB 3 s after start, ${rss.idleSettledMb.toFixed(0)} MB settled (${rss.settleSeconds} s after; target <= 120); after 400 commands ${rss.loadedMb.toFixed(0)} MB, ${rss.loadedSettledMb.toFixed(0)} MB settled (${rss.settleSeconds} s after)`,
  );
}
await kube.close();
