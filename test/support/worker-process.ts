import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { TEST_REDIS_URL } from './redis-test-prefix.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface WorkerProcessOptions {
  prefix: string;
  servicesDir: string;
  kubeconfigPath?: string;
  /**
   * Short so a killed worker's job is resumed quickly (WORKER_LOCK_DURATION_MS, default here 2 s);
   * `'production'` leaves it and WORKER_STALLED_INTERVAL_MS unset, as a deployment would.
   */
  lockDurationMs?: number | 'production';
  stalledIntervalMs?: number;
  /** WORKER_SITES (default: unset, the default site). */
  sites?: string[];
  /** WORKER_STRATEGIES (default: unset, every strategy). */
  strategies?: string[];
  /** More environment (SHUTDOWN_GRACE_MS, WORKER_HEARTBEAT_TTL_MS, ...). */
  env?: Record<string, string>;
}

export interface WorkerProcess {
  pid: number;
  /** Everything the process logged so far (pino JSON lines). */
  output(): string;
  /** SIGKILL: no shutdown hook runs, the job's lock is simply not renewed any more. */
  kill(): Promise<void>;
  /** SIGTERM and wait (a clean shutdown). */
  stop(): Promise<void>;
  /** Sends SIGTERM and resolves when the process has exited, with how long that took. */
  terminate(): Promise<{ ms: number; exitCode: number | undefined }>;
  /** Where its /healthz, /readyz and /metrics answer (WORKER_HTTP_PORT=0, an ephemeral port). */
  httpUrl: string | undefined;
  alive(): boolean;
}

/**
 * The production entry point (`src/main/main.ts`, ROLE=worker) as a real separate process, configured
 * through its environment only, on the same Redis prefix as the test's web role.
 */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const child: ResultPromise = execa(process.execPath, ['--import', 'tsx', 'src/main/main.ts'], {
    cwd: REPO_ROOT,
    extendEnv: false,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      ROLE: 'worker',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: options.prefix,
      SERVICES_DIR: options.servicesDir,
      ...(options.kubeconfigPath ? { KUBECONFIG: options.kubeconfigPath } : {}),
      LOG_LEVEL: 'info',
      WORKER_CONCURRENCY: '2',
      ...(options.lockDurationMs === 'production'
        ? {}
        : {
            WORKER_LOCK_DURATION_MS: String(options.lockDurationMs ?? 2_000),
            WORKER_STALLED_INTERVAL_MS: String(options.stalledIntervalMs ?? 1_000),
          }),
      WORKER_HTTP_PORT: '0',
      ...(options.sites ? { WORKER_SITES: options.sites.join(',') } : {}),
      ...(options.strategies ? { WORKER_STRATEGIES: options.strategies.join(',') } : {}),
      ...options.env,
    },
    reject: false,
    stdin: 'ignore',
    all: true,
    buffer: false,
  });
  let output = '';
  let exited = false;
  let exitCode: number | undefined;
  const done = child.then((result) => {
    exited = true;
    exitCode = result.exitCode;
  });
  child.all?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const started = Date.now();
  while (!/"rollback worker started".*\n/.test(output)) {
    if (exited) throw new Error(`worker process exited before starting:\n${output}`);
    if (Date.now() - started > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`worker process did not start within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const startLine = output.split('\n').find((line) => line.includes('"rollback worker started"'));
  const announced = startLine ? (JSON.parse(startLine) as { http?: string }) : {};
  return {
    pid: child.pid ?? -1,
    httpUrl: announced.http,
    output: () => output,
    alive: () => !exited,
    async kill() {
      child.kill('SIGKILL');
      await done;
    },
    async terminate() {
      const sent = Date.now();
      child.kill('SIGTERM');
      await done;
      return { ms: Date.now() - sent, exitCode };
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
