import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { TEST_REDIS_URL } from './redis-test-prefix.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BotProcess {
  pid: number;
  /** Where the web role answers (http://127.0.0.1:<port>). */
  url: string;
  output(): string;
  /** Resident memory of the process now, in MB (from /proc). */
  rssMb(): Promise<number>;
  /** SIGKILL and wait for the exit: no shutdown hook runs, locks are simply not renewed any more. */
  kill(): Promise<void>;
  alive(): boolean;
  stop(): Promise<void>;
}

/**
 * The production entry point (`src/main/main.ts`) as a real separate process, configured through its
 * environment only; resolves once it says where it listens.
 */
export async function startBotProcess(options: {
  prefix: string;
  servicesDir: string;
  env?: Record<string, string>;
}): Promise<BotProcess> {
  const child: ResultPromise = execa(process.execPath, ['--import', 'tsx', 'src/main/main.ts'], {
    cwd: REPO_ROOT,
    extendEnv: false,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: options.prefix,
      SERVICES_DIR: options.servicesDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...options.env,
    },
    reject: false,
    stdin: 'ignore',
    all: true,
    buffer: false,
  });
  let output = '';
  let exited = false;
  const done = child.then(() => {
    exited = true;
  });
  child.all?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const started = Date.now();
  let url: string | undefined;
  while (url === undefined) {
    const line = output.split('\n').find((l) => l.includes('"rollback-bot is listening"'));
    if (line) url = (JSON.parse(line) as { url: string }).url;
    else if (exited) throw new Error(`bot process exited before listening:\n${output}`);
    else if (Date.now() - started > 60_000) {
      // As long as a worker process gets (worker-process.ts): a loaded machine can be that slow to start one.
      child.kill('SIGKILL');
      throw new Error(`bot process did not listen within 60 s:\n${output}`);
    } else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const pid = child.pid ?? -1;
  return {
    pid,
    url,
    output: () => output,
    async rssMb() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kb / 1024;
    },
    alive: () => !exited,
    async kill() {
      child.kill('SIGKILL');
      await done;
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (!exited) {
        child.kill('SIGKILL');
        await done;
      }
    },
  };
}
