/**
 * How long does a whole rollback take, and how long is the status message behind the worker? Runs N
 * rollbacks one after another (v0.7.0, v0.8.0, v0.7.0, ...) through signed Slack requests, real Redis and
 * BullMQ, a fake cluster whose pods become ready in 20 ms, and prints per phase: acknowledgement, first
 * status message in the channel, rollout done, and how long after the worker finished Slack showed it.
 *
 *   npx tsx bench/rollback-latency.ts [--runs 10]
 */
import { parseArgs } from 'node:util';
import { startFakeKube } from '../test/support/fake-kube/index.js';
import { startTestBot } from '../test/support/test-bot.js';
import { kaizenService } from '../test/support/kaizen-service.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);

const kube = await startFakeKube({ readyDelayMs: 20 });
await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0' });
await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
const bot = await startTestBot({
  kubeconfigPath: kube.kubeconfigPath,
  services: { kaizen: kaizenService() },
});

const ack: number[] = [];
const firstStatus: number[] = [];
const total: number[] = [];
const renderLag: number[] = [];
for (let i = 0; i < runs; i++) {
  const target = i % 2 === 0 ? 'v0.7.0' : 'v0.8.0';
  const before = bot.slack.calls.length;
  const started = performance.now();
  const { body } = await bot.slash(`kaizen ${target}`);
  ack.push(performance.now() - started);
  const jobId = /job (kaizen-[a-z0-9-]+)/.exec(body.text ?? '')?.[1];
  if (!jobId) throw new Error(`no job id in ${JSON.stringify(body)}`);
  const newCalls = () => bot.slack.calls.slice(before);
  await bot.slack.waitFor(() => newCalls().some((c) => c.method === 'chat.postMessage'), 10_000);
  firstStatus.push(performance.now() - started);
  await bot.slack.waitFor(
    () => newCalls().some((c) => c.method === 'chat.update' && String(c.args.text).includes('Rolled back')),
    30_000,
  );
  const shown = performance.now();
  total.push(shown - started);
  const snapshot = await bot.bot.rollbacks.status(jobId);
  const endedAt = Date.parse(snapshot?.endedAt ?? '');
  renderLag.push(Math.max(0, Date.now() - (performance.now() - shown) - endedAt));
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return `p50 ${pick(0.5).toFixed(0)}  p90 ${pick(0.9).toFixed(0)}  max ${pick(1).toFixed(0)}`;
};
console.log(
  `rollback-latency: ${runs} rollbacks, 3 replicas, pods ready after 20 ms, node ${process.version}`,
);
console.log(`  acknowledgement with plan (ms):        ${stats(ack)}`);
console.log(`  first status message in channel (ms): ${stats(firstStatus)}`);
console.log(`  request -> "Rolled back" shown (ms):   ${stats(total)}`);
console.log(`  worker done -> Slack updated (ms):     ${stats(renderLag)}`);

await bot.close();
await kube.close();
