// `npm run demo`: prepares the demo app under .data/demo/ and starts the bot in local mode with the demo
// catalog, so `/rollback demo v0.7.0` in the web console really checks out v0.7.0, restarts the app and
// verifies that /health answers v0.7.0. Ctrl-C stops the bot and the demo app.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Redis } from 'ioredis';
import pinoPretty from 'pino-pretty';
import { loadAppConfig, type AppConfig } from '../../src/main/app-config.js';
import { startBot } from '../../src/main/start-bot.js';
import { createLogger } from '../../src/observability/logger.js';
import { writeDemoEnvFile } from './demo-env-file.js';
import { PACKAGE_ROOT, prepareDemo } from './prepare-demo.js';

async function main(): Promise<void> {
  const env = process.env;
  const dataDir = env.DEMO_DATA_DIR ?? join(PACKAGE_ROOT, '.data', 'demo');
  const log = createLogger({
    level: env.LOG_LEVEL ?? 'info',
    destination: pinoPretty({ colorize: true, ignore: 'pid,hostname,app' }),
  });
  const config = loadAppConfig({
    ...env,
    // The demo is always local mode, with its own catalog and its own Redis keys.
    SLACK_BOT_TOKEN: '',
    SLACK_SIGNING_SECRET: '',
    SERVICES_DIR: join(dataDir, 'services'),
    REDIS_PREFIX: env.DEMO_REDIS_PREFIX ?? 'rollback-bot-demo',
  });
  await requireRedis(config.redisUrl);

  const appPort = Number(env.DEMO_APP_PORT ?? 3900);
  log.info({ appPort, dataDir }, 'preparing the demo app (git tags v0.6.0, v0.7.0, v0.8.0; running v0.8.0)');
  const demo = await prepareDemo({ dataDir, appPort });
  log.info({ health: demo.healthUrl, workTree: demo.appDir }, 'demo app is running v0.8.0, the bad deploy');

  const bot = await startBot(config, { log });
  const port = bot.http?.server.address();
  const consoleUrl = `http://localhost:${typeof port === 'object' && port ? port.port : config.port}/`;
  const cli = await cliHint(dataDir, config);
  log.info(
    `Demo ready. Open ${consoleUrl} , choose your name, and type: /rollback demo v0.7.0  (Ctrl-C stops the bot and the demo app)`,
  );
  log.info(cli);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping the demo');
    Promise.allSettled([bot.close(), demo.stopApp()]).then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Writes demo.env for the CLI and says how to use it: the exact command, from where the demo was started. */
async function cliHint(dataDir: string, config: AppConfig): Promise<string> {
  const envFile = join(dataDir, 'demo.env');
  await writeDemoEnvFile(envFile, config);
  const shown = (path: string) => {
    const fromHere = relative(process.cwd(), path);
    return fromHere.startsWith('..') || fromHere === '' ? path : fromHere;
  };
  const cli = join(PACKAGE_ROOT, 'dist', 'cli', 'main.js');
  const build = existsSync(cli) ? '' : 'npm run build && ';
  return `From a terminal: ${build}node ${shown(cli)} --env ${shown(envFile)} history demo  (the CLI reads the demo's catalog and queue from ${shown(envFile)}; or export ROLLBACK_BOT_ENV_FILE=${shown(envFile)})`;
}

/** The demo needs Redis (queue, snapshots, locks): say so plainly instead of retrying forever. */
async function requireRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 3_000,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis does not answer at ${url}: the demo needs it. Start one (redis-server, or your package manager's redis) or set REDIS_URL.`,
      {
        cause: error,
      },
    );
  } finally {
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  const log = createLogger();
  log.fatal({ err: error }, error instanceof Error ? error.message : 'the demo failed to start');
  process.exit(1);
});
