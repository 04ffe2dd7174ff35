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
  /**
   * Sends a signed `/rollback <text>` and returns the HTTP status and the answer the user sees: the
   * acknowledgement, or, when the bot acknowledged with "Working on it" (the answer took longer than Slack's
   * ack budget, as it may on a busy machine), the follow-up it sent to the command's response_url (unless
   * Slack refused it: then the acknowledgement). `acknowledgement` is the acknowledgement itself. Each
   * command gets a response_url of its own.
   */
  slash(
    text: string,
    options?: Partial<SlashCommandOptions>,
  ): Promise<{ status: number; body: SlashAck; acknowledgement: SlashAck }>;
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
  let commands = 0;
  return {
    bot,
    slack,
    config,
    async slash(text, extra = {}) {
      commands += 1;
      const responseUrl = extra.responseUrl ?? slack.responseUrl(`cmd-${commands}`);
      const request = slashCommandRequest({ signingSecret: SIGNING_SECRET, text, ...extra, responseUrl });
      const response = await postToBot(bot.url as string, request);
      const acknowledgement = parseAcknowledgement(await response.text());
      const body = await commandAnswer(slack, acknowledgement, responseUrl, { stopAtRefusal: true });
      return { status: response.status, body, acknowledgement };
    },
    async close() {
      await bot.close();
      await slack.close();
      await deletePrefix(prefix);
      await rm(servicesDir, { recursive: true, force: true });
    },
  };
}

/** The acknowledgement of a command whose answer follows through its response_url. */
const WORKING_ON_IT = /^Working on it/;

/** The bot's HTTP answer to a slash command (JSON, or plain text), as an acknowledgement. */
export function parseAcknowledgement(raw: string): SlashAck {
  if (!raw) return {};
  return raw.startsWith('{') ? (JSON.parse(raw) as SlashAck) : { text: raw };
}

/**
 * What the user sees in answer to a command: its acknowledgement, or, when that says "Working on it", the
 * follow-up sent to `responseUrl` (a fake Slack response_url) once Slack takes it (up to 20 s). With
 * `stopAtRefusal`, a follow-up Slack refused (it is down) leaves the acknowledgement, without waiting for
 * the bot's retries.
 */
export async function commandAnswer(
  slack: FakeSlack,
  acknowledgement: SlashAck,
  responseUrl: string,
  { stopAtRefusal = false } = {},
): Promise<SlashAck> {
  if (!WORKING_ON_IT.test(acknowledgement.text ?? '')) return acknowledgement;
  const id = /\/response-url\/([^/?]+)$/.exec(responseUrl)?.[1];
  if (id === undefined) return acknowledgement;
  const answered = () => slack.callsTo('response_url').filter((c) => c.responseUrlId === id);
  const delivered = () => answered().find((c) => c.status !== undefined && c.status < 300);
  const refused = () => answered().some((c) => c.status !== undefined && c.status >= 300);
  await slack
    .waitFor(() => delivered() !== undefined || (stopAtRefusal && refused()), 20_000)
    .catch(() => undefined);
  return (delivered()?.args as SlashAck | undefined) ?? acknowledgement;
}
