/**
 * How fast does `/rollback` answer? Slack gives a slash command 3 s. This drives signed
 * `/rollback kaizen v0.7.0 --dry-run` requests (plan resolved against the Kubernetes API each time) with
 * autocannon against the real bot (real Redis, fake Kubernetes and Slack on loopback) and prints latency
 * percentiles and throughput. Target: p99 well under 3000 ms at 10 concurrent requests.
 *
 *   npx tsx bench/slash-ack.ts [--connections 10] [--duration 10]
 */
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import { startFakeKube } from '../test/support/fake-kube/index.js';
import { slashCommandRequest } from '../test/support/slack-request.js';
import { SIGNING_SECRET, startTestBot } from '../test/support/test-bot.js';
import { kaizenService } from '../test/support/kaizen-service.js';

const { values } = parseArgs({
  options: { connections: { type: 'string', default: '10' }, duration: { type: 'string', default: '10' } },
});
const connections = Number(values.connections);
const duration = Number(values.duration);

const kube = await startFakeKube({ readyDelayMs: 5 });
await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.6.0' });
await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.7.0');
await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
const bot = await startTestBot({
  kubeconfigPath: kube.kubeconfigPath,
  services: { kaizen: kaizenService() },
});

const request = slashCommandRequest({
  signingSecret: SIGNING_SECRET,
  text: 'kaizen v0.7.0 --dry-run',
  responseUrl: bot.slack.responseUrl('bench'),
});
const result = await autocannon({
  url: `${bot.bot.url}/slack/events`,
  method: 'POST',
  headers: request.headers,
  body: request.body,
  connections,
  duration,
});

const l = result.latency;
console.log(`slash-ack: ${connections} connections, ${duration} s, node ${process.version}`);
console.log(
  `  requests: ${result.requests.total} (${result.requests.average.toFixed(1)}/s), non-2xx: ${result.non2xx}, errors: ${result.errors}, timeouts: ${result.timeouts}`,
);
console.log(`  latency ms: p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  max ${l.max}`);
console.log(`  Kubernetes API requests served: ${kube.requests.length}`);
console.log(`  target p99 < 3000 ms: ${l.p99 < 3000 ? 'met' : 'MISSED'}`);

await bot.close();
await kube.close();
