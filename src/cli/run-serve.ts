import { createLogger } from '../observability/logger.js';
import { startBot } from '../main/start-bot.js';
import type { CliContext } from './cli-context.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { SEMI_SPACE_FLAG, semiSpacePlan } from './semi-space.js';

/**
 * `serve`: starts the bot as `npm start` does, until SIGTERM or SIGINT, then finishes active steps. Like
 * `npm start` it runs with V8's semi-spaces capped ({@link SEMI_SPACE_FLAG}): without the flag it replaces
 * itself with a process that has it (process.execve, same pid), or says how to set it where Node cannot.
 */
export async function runServe(context: CliContext): Promise<ExitCode> {
  const config = context.config();
  const runtime = context.runtime;
  const plan = runtime ? semiSpacePlan(runtime) : { kind: 'set' as const };
  if (plan.kind === 'relaunch') runtime?.execve?.(plan.file, plan.args);
  const log = createLogger({ level: config.logLevel });
  if (plan.kind === 'unavailable')
    log.warn(
      { flag: SEMI_SPACE_FLAG, node: process.version },
      `this Node cannot restart itself with ${SEMI_SPACE_FLAG} (process.execve needs Node 22.15+): set NODE_OPTIONS=${SEMI_SPACE_FLAG}, as npm start does, for about 20 MB less memory`,
    );
  const bot = await startBot(config, { log });
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log.info({ signal }, 'shutting down: finishing active steps');
  await bot.close();
  return EXIT.ok;
}
