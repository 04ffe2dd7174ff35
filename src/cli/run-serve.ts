import { createLogger } from '../observability/logger.js';
import { startBot } from '../main/start-bot.js';
import type { CliContext } from './cli-context.js';
import { EXIT, type ExitCode } from './exit-codes.js';

/** `serve`: starts the bot as `npm start` does, until SIGTERM or SIGINT, then finishes active steps. */
export async function runServe(context: CliContext): Promise<ExitCode> {
  const config = context.config();
  const log = createLogger({ level: config.logLevel });
  const bot = await startBot(config, { log });
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log.info({ signal }, 'shutting down: finishing active steps');
  await bot.close();
  return EXIT.ok;
}
