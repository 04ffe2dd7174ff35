import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { TEST_REDIS_URL } from '../support/redis-test-prefix.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The package's `bin` (package.json), as `npm run build` emits it. */
export const CLI_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `rollback-bot <args>` as a real process, the compiled CLI the package's `bin` points at
 * (dist/cli/main.js, built once by build-cli.ts), configured only through its environment like a user's
 * shell: stdout is a pipe, so `--follow` prints plain lines.
 */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<CliResult> {
  const result = await execa(process.execPath, [CLI_MAIN, ...args], {
    cwd: REPO_ROOT,
    extendEnv: false,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      REDIS_URL: TEST_REDIS_URL,
      LOG_LEVEL: 'error',
      ...env,
    },
    reject: false,
    timeout: timeoutMs,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
