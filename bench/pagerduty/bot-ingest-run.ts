import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { readFile } from 'node:fs/promises';
import { INBOUND_EVENT_QUEUE } from '../../src/queue/inbound-event-queue.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { pagerDutySignature } from '../../test/support/fake-pagerduty/index.js';
import { deletePrefix, TEST_REDIS_URL } from '../../test/support/redis-test-prefix.js';
import { benchEventBody, runSignedWebhookLoad, type WebhookLoadResult } from './signed-webhook-load.js';
import { othersCores } from './machine-cpu.js';
import { deployedNodeFlags, startBenchServer } from './start-bench-server.js';

export interface BotRunOptions {
  secrets: readonly string[];
  connections: number;
  durationSeconds: number;
  /** The drain waits for the whole burst: the load measures the ingest alone. */
  holdHandling: boolean;
  redelivered: number;
  /** The bot as deployed (dist/, plain node) or its sources through tsx. */
  build: BotBuild;
}

/** Which code of the bot runs: the compiled build `npm start` runs, or the TypeScript sources. */
export type BotBuild = 'dist' | 'source';

const BOT_SERVERS: Record<BotBuild, string> = {
  dist: './deployed-bot-server.mjs',
  source: './bot-ingest-server.ts',
};

export interface BotRunResult {
  load: WebhookLoadResult;
  /** CPU time of the bot process during the load, and of Redis (undefined when Redis is not local). */
  botCpuMs: number;
  redisCpuMs: number | undefined;
  /** CPU the rest of the machine used during the load, in cores (other sessions on a shared machine). */
  othersCores: number;
  /** Bot CPU after the load: the backlog handled, the redeliveries. */
  afterCpuMs: number;
  drainMs: number;
  /** Events handled as the stream was read, plus BullMQ jobs (events whose handling is being retried). */
  handled: number;
  duplicates: number;
}

/** CPU time (user + system) a local process has used so far, in ms (Linux /proc). */
export async function processCpuMs(pid: number): Promise<number> {
  // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime, stime in clock ticks.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function redisCpuMs(redis: Redis): Promise<number | undefined> {
  const pid = /process_id:(\d+)/.exec(await redis.info('server'))?.[1];
  return pid === undefined ? undefined : processCpuMs(Number(pid)).catch(() => undefined);
}

/** Events the bot handled as it read them from its stream (its `/metrics`, which answers localhost). */
async function handledInline(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = /^rollbackbot_inbound_events_total\{outcome="handled"\} (\d+)$/m.exec(text);
  return Number(line?.[1] ?? 0);
}

/** Delivers events 1..count again: each must be answered `duplicate`. Returns how many were. */
async function redeliver(url: string, secrets: readonly string[], count: number): Promise<number> {
  let duplicates = 0;
  for (let n = 1; n <= count; n++) {
    const body = benchEventBody(n);
    const answer = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-pagerduty-signature': pagerDutySignature(body, secrets),
      },
      body,
    });
    if (((await answer.json()) as { status?: string }).status === 'duplicate') duplicates++;
  }
  return duplicates;
}

/**
 * One run of the bot's real web role in its own process (bot-ingest-server.ts) under the signed load, then
 * the checks: `redelivered` events delivered again, the inbound stream read to its end, the events handled
 * counted (every accepted event handled exactly once, or queued once for a retry).
 */
export async function runBotIngest(options: BotRunOptions): Promise<BotRunResult> {
  const server = await startBenchServer(
    BOT_SERVERS[options.build],
    [options.secrets[1] as string],
    options.holdHandling ? { BENCH_HOLD_HANDLING: '1' } : {},
    // As `npm start` and the Docker image run it (its young generation's size matters under a burst).
    await deployedNodeFlags(),
  );
  const url = `http://127.0.0.1:${server.port}/webhooks/pagerduty`;
  const prefix = server.extra[0] ?? '';
  const queue = new Queue(INBOUND_EVENT_QUEUE, {
    connection: { url: TEST_REDIS_URL },
    prefix: `${prefix}:bull`,
  });
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const [botBefore, redisBefore] = [await server.cpuMs(), await redisCpuMs(redis)];
    const { result: load, others } = await othersCores(
      async () => (await server.cpuMs()) + ((await redisCpuMs(redis)) ?? 0),
      () =>
        runSignedWebhookLoad({
          url,
          secrets: options.secrets,
          connections: options.connections,
          durationSeconds: options.durationSeconds,
        }),
    );
    const botCpuMs = (await server.cpuMs()) - botBefore;
    const redisAfter = await redisCpuMs(redis);
    const duplicates = await redeliver(url, options.secrets, options.redelivered);
    const started = Date.now();
    const stream = new RedisKeys(prefix).inboundStream();
    while ((await redis.xlen(stream)) > 0 && Date.now() - started < 300_000)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const drainMs = Date.now() - started;
    const counts = await queue.getJobCounts(
      'waiting',
      'active',
      'completed',
      'failed',
      'delayed',
      'prioritized',
    );
    const jobs = Object.values(counts).reduce((a, b) => a + b, 0);
    return {
      load,
      botCpuMs,
      redisCpuMs:
        redisBefore === undefined || redisAfter === undefined ? undefined : redisAfter - redisBefore,
      othersCores: others,
      afterCpuMs: (await server.cpuMs()) - botBefore - botCpuMs,
      drainMs,
      handled: jobs + (await handledInline(`http://127.0.0.1:${server.port}/metrics`)),
      duplicates,
    };
  } finally {
    await queue.close();
    redis.disconnect();
    await server.stop();
    // The keys of the run (the sources' server deletes its own too).
    if (prefix) await deletePrefix(prefix);
  }
}
