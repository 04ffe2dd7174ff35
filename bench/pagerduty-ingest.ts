/**
 * PagerDuty webhook ingest throughput. Issue 12 asks the bot's `POST /webhooks/pagerduty` (signature check,
 * dedupe, enqueue) for >= 2,000 events/s on this 2-core machine and >= 0.5x a bare Node server that only
 * checks the HMAC, with 0 events lost or processed twice. Each server runs in its own process, one after the
 * other, under the same autocannon load of distinct signed events (two signatures each, as during a secret
 * rotation):
 *
 * 1. the floor: a bare `node:http` server that only checks the HMAC;
 * 2. the bot's web role with the handling of the events held until the burst ends: the ingest alone, what
 *    the issue's target names (the headline figure);
 * 3. the bot as deployed: during a burst its drain waits at most 5 s, then reads the backlog and handles the
 *    events in the same process while the load goes on (printed too; skipped with `--hold-handling`).
 *
 * The bot runs as deployed: the compiled build (`npm run build` first, then dist/ under plain node, as
 * `npm start` and the Docker image run it; `--source`: the TypeScript sources through tsx instead), with the
 * node flags of `npm start` (`--max-semi-space-size=4`: V8's young generation capped); the floor with
 * node's defaults (through tsx: it is one small file of its own).
 *
 * After each bot run 200 events are delivered again (each must be answered "duplicate" and queue nothing)
 * and, once its inbound stream is read to its end, the events handled are counted from its `/metrics` (every
 * accepted event handled exactly once; one whose handling failed counts as its BullMQ job). CPU time per event is printed for each server and for Redis: a shared
 * machine disturbs it less than events/s.
 *
 *   npx tsx bench/pagerduty-ingest.ts [--connections 20] [--duration 10] [--hold-handling] [--source]
 */
import { parseArgs } from 'node:util';
import { runBotIngest, type BotRunResult } from './pagerduty/bot-ingest-run.js';
import { runSignedWebhookLoad, type WebhookLoadResult } from './pagerduty/signed-webhook-load.js';
import { othersCores } from './pagerduty/machine-cpu.js';
import { buildDist, deployedNodeFlags, startBenchServer } from './pagerduty/start-bench-server.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '20' },
    duration: { type: 'string', default: '10' },
    'hold-handling': { type: 'boolean', default: false },
    source: { type: 'boolean', default: false },
  },
});
const connections = Number(values.connections);
const duration = Number(values.duration);
const secrets = ['bench-old-secret-5f2c9a', 'bench-new-secret-0b7d41'];
const REPLAYS = 200;
const build = values.source ? 'source' : 'dist';
if (build === 'dist') await buildDist();

function line(name: string, r: WebhookLoadResult): string {
  return `  ${name}: ${r.perSecond.toFixed(0)} events/s, 2xx ${r.ok}, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}; latency ms p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} max ${r.latencyMs.max}`;
}
const perEvent = (cpuMs: number, events: number) => (cpuMs * 1000) / Math.max(1, events);

const floorServer = await startBenchServer('./hmac-floor-server.ts', [secrets[1] as string]);
const floorCpuBefore = await floorServer.cpuMs();
const { result: floor, others: floorOthers } = await othersCores(
  () => floorServer.cpuMs(),
  () =>
    runSignedWebhookLoad({
      url: `http://127.0.0.1:${floorServer.port}/webhooks/pagerduty`,
      secrets,
      connections,
      durationSeconds: duration,
    }),
);
const floorPer = perEvent((await floorServer.cpuMs()) - floorCpuBefore, floor.ok);
await floorServer.stop();

const runOptions = { secrets, connections, durationSeconds: duration, redelivered: REPLAYS, build } as const;
const ingest = await runBotIngest({ ...runOptions, holdHandling: true });
const deployed = values['hold-handling']
  ? undefined
  : await runBotIngest({ ...runOptions, holdHandling: false });

function report(name: string, run: BotRunResult): void {
  const { load } = run;
  const botPer = perEvent(run.botCpuMs, load.ok);
  const redis =
    run.redisCpuMs === undefined ? 'not local' : `${perEvent(run.redisCpuMs, load.ok).toFixed(0)} µs`;
  console.log(line(name, load));
  console.log(
    `    ratio to the floor ${(load.perSecond / floor.perSecond).toFixed(2)} (target >= 0.5); >= 2000 events/s: ${load.perSecond >= 2000 ? 'met' : 'MISSED'}`,
  );
  console.log(
    `    CPU per event during the load: bot ${botPer.toFixed(0)} µs (floor/bot ${(floorPer / botPer).toFixed(2)}), Redis ${redis}; ` +
      `bot CPU after the load (backlog, replays) ${run.afterCpuMs.toFixed(0)} ms; stream read to its end ${(run.drainMs / 1000).toFixed(1)} s after the load; ` +
      `other processes on the machine meanwhile ${run.othersCores.toFixed(2)} cores`,
  );
  console.log(
    // Requests cut off in flight when the run ends may be queued without their answer being counted.
    `    sent ${load.sent}, answered 2xx ${load.ok}, handled ${run.handled} (lost ${Math.max(0, load.ok - run.handled)}, handled more than sent ${Math.max(0, run.handled - load.sent)}); ` +
      `redelivered ${REPLAYS}: answered duplicate ${run.duplicates}, processed twice ${REPLAYS - run.duplicates}`,
  );
}

console.log(
  `pagerduty-ingest: ${connections} connections, ${duration} s each, node ${process.version}; bot: ` +
    (build === 'dist'
      ? 'the compiled build (npm run build, dist/ under plain node, as npm start)'
      : 'the TypeScript sources through tsx (--source)') +
    `, started with ${(await deployedNodeFlags()).join(' ')} (as npm start)`,
);
console.log(
  line('bare HMAC floor', floor) +
    `; CPU per event ${floorPer.toFixed(0)} µs; other processes on the machine meanwhile ${floorOthers.toFixed(2)} cores`,
);
report('bot ingest (verify, dedupe, enqueue; handling held until the burst ends) [issue 12 target]', ingest);
if (deployed) report('bot as deployed (the same process handles the events after at most 5 s)', deployed);
