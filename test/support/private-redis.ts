import { execa, type ResultPromise } from 'execa';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';

/** A redis-server of a test's own on a free port, which the test may stop and start again (an outage). */
export interface PrivateRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Starts it again: empty, as it keeps nothing on disk (a Redis without persistence after a restart). */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open and nothing answers, as with a stalled Redis. */
  freeze(): void;
  /** Lets a frozen Redis go on (SIGCONT). */
  thaw(): void;
}

async function answers(port: number): Promise<boolean> {
  const probe = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let server: ResultPromise | undefined;
  const start = async () => {
    server = execa(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        reject: false,
        stdio: 'ignore',
      },
    );
    for (let i = 0; i < 100 && !(await answers(port)); i++) await new Promise((r) => setTimeout(r, 50));
  };
  const stop = async () => {
    server?.kill('SIGKILL');
    await server;
    server = undefined;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    freeze: () => void server?.kill('SIGSTOP'),
    thaw: () => void server?.kill('SIGCONT'),
  };
}
