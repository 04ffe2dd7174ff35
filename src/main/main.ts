#!/usr/bin/env node
import { createLogger } from '../observability/logger.js';
import { loadAppConfig } from './app-config.js';
import { startBot } from './start-bot.js';

/** `npm start`: the only place that reads process.env. */
async function main(): Promise<void> {
  const config = loadAppConfig(process.env);
  const log = createLogger({ level: config.logLevel });
  const bot = await startBot(config, { log });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    log.info({ signal }, 'shutting down: running rollbacks go back to the queue at their next safe point');
    bot.close().then(
      () => {
        log.info({ signal, ms: Date.now() - started }, 'shut down');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  const log = createLogger();
  log.fatal({ err: error }, error instanceof Error ? error.message : 'failed to start');
  process.exit(1);
});
