import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { prepareDemo, type Demo } from '../../scripts/demo/prepare-demo.js';
import { loadAppConfig, type AppConfig } from '../../src/main/app-config.js';
import { startBot, type BotHandle } from '../../src/main/start-bot.js';
import { silentLogger } from '../../src/observability/logger.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';

export interface DemoBot {
  bot: BotHandle;
  demo: Demo;
  /** The bot's configuration (its Redis prefix, the demo catalog). */
  config: AppConfig;
  /** Where the demo's files are (app/, run/, services/); removed by close(). */
  dataDir: string;
  /** The console's address (http://127.0.0.1:<port>). */
  url: string;
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * What `npm run demo` does, in a temp data dir with free ports and a Redis prefix of its own: prepares the
 * demo app (real git repo, real process) and starts the real bot in local mode (no Slack) with its catalog.
 * `extraServices` are written next to demo.yaml.
 */
export async function startDemoBot(
  name: string,
  extraServices: (demo: Demo) => Record<string, Record<string, unknown>> = () => ({}),
): Promise<DemoBot> {
  const dataDir = await mkdtemp(join(tmpdir(), `rollback-demo-${name}-`));
  const demo = await prepareDemo({ dataDir, appPort: await freePort() });
  for (const [service, doc] of Object.entries(extraServices(demo))) {
    await writeFile(join(demo.servicesDir, `${service}.yaml`), stringify(doc));
  }
  const prefix = testPrefix(name);
  const config = loadAppConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    SERVICES_DIR: demo.servicesDir,
    LOG_LEVEL: 'silent',
    WORKER_CONCURRENCY: '2',
  });
  let bot: BotHandle;
  try {
    bot = await startBot(config, {
      log: silentLogger(),
      stepRetry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 100 },
    });
  } catch (error) {
    await demo.stopApp();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    bot,
    demo,
    config,
    dataDir,
    url: bot.url as string,
    async close() {
      await bot.close();
      await demo.stopApp();
      await deletePrefix(prefix);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
