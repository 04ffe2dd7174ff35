import { CatalogError, formatProblem } from '../config/catalog-error.js';
import type { AppConfig } from '../main/app-config.js';
import { buildRollbackCore, type RollbackCore } from '../main/build-rollback-core.js';
import { RedisConnectionFactory } from '../main/redis-connection-factory.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { CliExit, EXIT } from './exit-codes.js';

/** The CLI logs to stderr, at warn unless LOG_LEVEL asks for more detail (debug, trace). */
export function cliLogger(config: AppConfig): Logger {
  const level = ['debug', 'trace', 'error', 'fatal', 'silent'].includes(config.logLevel)
    ? config.logLevel
    : 'warn';
  return createLogger({ level, destination: process.stderr });
}

/**
 * The same rollback model as the bot (catalog, stores, queue, command handler), after checking that Redis
 * answers: a CLI that cannot reach the queue says so at once (exit 4) instead of hanging.
 */
export async function openCore(config: AppConfig, log: Logger, timeoutMs = 5_000): Promise<RollbackCore> {
  await checkRedis(config, timeoutMs);
  try {
    return await buildRollbackCore(config, log);
  } catch (error) {
    if (error instanceof CatalogError) {
      throw new CliExit(
        EXIT.refused,
        [
          `✖ The service catalog (${config.servicesDir}) has problems:`,
          ...error.problems.map((p) => `  ${formatProblem(p)}`),
          '  Hint: run `rollback-bot config check` after fixing them.',
        ].join('\n'),
      );
    }
    throw error;
  }
}

/** Exit 4 at once when Redis does not answer. */
async function checkRedis(config: AppConfig, timeoutMs: number): Promise<void> {
  try {
    await RedisConnectionFactory.fromConfig(config).assertAnswers(timeoutMs);
  } catch (error) {
    throw new CliExit(EXIT.unreachable, `✖ ${error instanceof Error ? error.message : String(error)}`);
  }
}
