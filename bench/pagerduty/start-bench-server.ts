import { execa, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';

export interface BenchServer {
  port: number;
  /** What the server printed after its port (the bot's Redis prefix). */
  extra: string[];
  stop(): Promise<void>;
}

/** Starts one of the bench servers in its own Node process and waits for its `listening <port>` line. */
export async function startBenchServer(file: string, secrets: readonly string[]): Promise<BenchServer> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const child: ResultPromise = execa(
    process.execPath,
    [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), '--import', 'tsx', path],
    {
      env: { PAGERDUTY_WEBHOOK_SECRETS: secrets.join(',') },
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
    async stop() {
      child.kill('SIGTERM');
      await child;
    },
  };
}
