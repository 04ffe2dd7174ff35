import { writeFile } from 'node:fs/promises';
import type { AppConfig } from '../../src/main/app-config.js';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Writes the env file that points the CLI at a running demo (`rollback-bot --env <file> history demo`):
 * the demo's catalog and Redis key prefix, and its Redis URL when it is not the default. A Redis URL with
 * a password is left out (set REDIS_URL in the shell instead), so the file never holds a secret.
 */
export async function writeDemoEnvFile(
  path: string,
  config: Pick<AppConfig, 'servicesDir' | 'redisPrefix' | 'redisUrl'>,
): Promise<void> {
  const lines = [
    '# Written by `npm run demo` (scripts/demo/run-demo.ts) on every run: how the CLI finds the demo.',
    `#   npm run build && node dist/cli/main.js --env ${path} history demo`,
    envLine('SERVICES_DIR', config.servicesDir),
    envLine('REDIS_PREFIX', config.redisPrefix),
  ];
  if (config.redisUrl !== DEFAULT_REDIS_URL) {
    lines.push(
      hasCredentials(config.redisUrl)
        ? '# REDIS_URL has a password, so it is not written here: set REDIS_URL in your shell.'
        : envLine('REDIS_URL', config.redisUrl),
    );
  }
  await writeFile(path, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/** KEY="value" (single quotes when the value holds a double quote), as util.parseEnv reads it. */
function envLine(key: string, value: string): string {
  return value.includes('"') ? `${key}='${value}'` : `${key}="${value}"`;
}

function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.password !== '' || parsed.username !== '';
  } catch {
    return true;
  }
}
