import { Redis } from 'ioredis';
import { CatalogError, formatProblem } from '../config/catalog-error.js';
import type { AppConfig } from '../main/app-config.js';
import { buildRollbackCore, type RollbackCore } from '../main/build-rollback-core.js';
import { redisOptionsFromUrl } from '../main/redis-connection.js';
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
  await checkRedis(config.redisUrl, timeoutMs);
  try {
    const core = await buildRollbackCore(config, log);
    core.redis.on('error', (error: Error) => log.warn({ err: error }, 'Redis connection error'));
    return core;
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

/** One connection attempt, no retries: exit 4 at once when Redis does not answer. */
async function checkRedis(url: string, timeoutMs: number): Promise<void> {
  const probe = new Redis({
    ...redisOptionsFromUrl(url),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let cause: Error | undefined;
  probe.on('error', (error: Error) => (cause ??= error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const reason = cause ?? error;
    throw new CliExit(
      EXIT.unreachable,
      `✖ Could not reach Redis at ${redisHost(url)}: ${reason instanceof Error ? reason.message : String(reason)}\n  Hint: check REDIS_URL and that Redis is running; nothing was changed.`,
    );
  } finally {
    probe.disconnect();
  }
}

/** host:port of a Redis URL, never its password. */
function redisHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'REDIS_URL';
  }
}
