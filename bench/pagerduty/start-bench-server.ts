import { execa, type ResultPromise } from 'execa';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { TEST_REDIS_URL } from '../../test/support/redis-test-prefix.js';

export interface BenchServer {
  port: number;
  /** What the server printed after its port (the bot's Redis prefix). */
  extra: string[];
  /** CPU time (user + system) the server process has used so far, in ms (Linux /proc). */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Builds dist/ as `npm start` does (`npm run build`, tsc: incremental, quick when nothing changed), so the
 * compiled bot the bench runs is the code of the work tree.
 */
export async function buildDist(): Promise<void> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  await execa('npm', ['run', 'build', '--silent'], { cwd: root });
}

/**
 * The node flags of `npm start` (package.json), which the Docker image's command repeats: the bot runs with
 * them as deployed (V8's young generation capped by `--max-semi-space-size`, source maps).
 */
export async function deployedNodeFlags(): Promise<string[]> {
  const packageJson = fileURLToPath(new URL('../../package.json', import.meta.url));
  const { scripts } = JSON.parse(await readFile(packageJson, 'utf8')) as { scripts: { start: string } };
  return scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/**
 * Starts one of the bench servers in its own Node process (with `nodeFlags` before the script) and waits
 * for its `listening <port>` line. A `.ts` server runs through tsx; a `.mjs` one (the compiled bot) under
 * plain node, as deployed.
 */
export async function startBenchServer(
  file: string,
  secrets: readonly string[],
  env: Record<string, string> = {},
  nodeFlags: readonly string[] = [],
): Promise<BenchServer> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const child: ResultPromise = execa(
    process.execPath,
    [
      ...nodeFlags,
      ...(process.env.BENCH_PROF
        ? ['--cpu-prof', '--cpu-prof-dir=' + (process.env.BENCH_PROF_DIR ?? '/tmp/prof')]
        : []),
      ...(file.endsWith('.mjs') ? [] : ['--import', 'tsx']),
      path,
    ],
    {
      env: { REDIS_URL: TEST_REDIS_URL, ...env, PAGERDUTY_WEBHOOK_SECRETS: secrets.join(',') },
      reject: false,
    },
  );
  const words = await new Promise<string[]>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)(.*)/.exec(chunk.toString());
      if (match?.[1]) resolve([match[1], ...(match[2] ?? '').trim().split(/\s+/).filter(Boolean)]);
    });
    void child.then(() => reject(new Error(`${file} exited before listening`)));
  });
  return {
    port: Number(words[0]),
    extra: words.slice(1),
    async cpuMs() {
      // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime, stime in clock ticks.
      const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    },
    async stop() {
      child.kill('SIGTERM');
      await child;
    },
  };
}
