import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { AppConfig } from '../../src/main/app-config.js';
import { startBot, type BotHandle, type StartBotOverrides } from '../../src/main/start-bot.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startFakeSlack } from './fake-slack/index.js';
import type { FakeSlack, FakeSlackOptions } from './fake-slack/types.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from './redis-test-prefix.js';
import { postToBot, slashCommandRequest, type SlashCommandOptions } from './slack-request.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test';

export interface TestBotOptions {
  /** Service YAML documents by name. */
  services: Record<string, Record<string, unknown>>;
  kubeconfigPath?: string;
  role?: AppConfig['role'];
  slack?: boolean;
  overrides?: StartBotOverrides;
  prefix?: string;
  /** Extra configuration (e.g. `apiToken`). */
  config?: Partial<AppConfig>;
  /** How the fake Slack behaves: latency, enforced rate limits. */
  fakeSlack?: FakeSlackOptions;
}

export interface TestBot {
  bot: BotHandle;
  slack: FakeSlack;
  config: AppConfig;
  /** Sends a signed `/rollback <text>` and returns the HTTP status and the parsed acknowledgement. */
  slash(text: string, options?: Partial<SlashCommandOptions>): Promise<{ status: number; body: SlashAck }>;
  close(): Promise<void>;
}

export interface SlashAck {
  response_type?: string;
  text?: string;
  blocks?: unknown[];
}

/** Starts the real bot (HTTP, Slack adapter, BullMQ worker on real Redis) against local fakes. */
export async function startTestBot(options: TestBotOptions): Promise<TestBot> {
  // The bot loads the Kubernetes client at its first call on a cluster (1–3 s here: BENCHMARKS.md, "Idle
  // RSS"), which would push a test's first plan past the 2.3 s acknowledgement budget. Tests of what a
  // command answers start from a bot that has loaded it, as one does after its first command.
  if (options.kubeconfigPath) await import('@kubernetes/client-node');
  const servicesDir = await mkdtemp(join(tmpdir(), 'rollback-services-'));
  for (const [name, doc] of Object.entries(options.services)) {
    await writeFile(join(servicesDir, `${name}.yaml`), stringify(doc));
  }
  const slack = await startFakeSlack({ ...options.fakeSlack, token: BOT_TOKEN });
  const prefix = options.prefix ?? testPrefix('bot');
  const config: AppConfig = {
    port: 0,
    host: '127.0.0.1',
    role: options.role ?? 'all',
    redisUrl: TEST_REDIS_URL,
    redisPrefix: prefix,
    servicesDir,
    kubeconfigPath: options.kubeconfigPath,
    slack:
      options.slack === false
        ? undefined
        : { signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN, apiUrl: slack.url },
    publicUrl: 'http://rollback.test',
    logLevel: 'silent',
    workerConcurrency: 2,
    // No watch after success unless a test asks for it: its later looks would draw into other tests' counts.
    watch: { minutes: 0, intervalSeconds: 10 },
    ...options.config,
    // A worker-only bot serves its probes and metrics on an ephemeral port, never a fixed one.
    sites: { workerHttp: { port: 0, host: '127.0.0.1' }, ...options.config?.sites },
  };
  const bot = await startBot(config, {
    log: silentLogger(),
    stepRetry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
    slackRetries: 0,
    replyBackoff: { baseMs: 100, maxMs: 500 },
    ...options.overrides,
  });
  return {
    bot,
    slack,
    config,
    async slash(text, extra = {}) {
      const request = slashCommandRequest({
        signingSecret: SIGNING_SECRET,
        text,
        responseUrl: slack.responseUrl('cmd'),
        ...extra,
      });
      const response = await postToBot(bot.url as string, request);
      const raw = await response.text();
      let body: SlashAck = {};
      if (raw) body = raw.startsWith('{') ? (JSON.parse(raw) as SlashAck) : { text: raw };
      return { status: response.status, body };
    },
    async close() {
      await bot.close();
      await slack.close();
      await deletePrefix(prefix);
      await rm(servicesDir, { recursive: true, force: true });
    },
  };
}
