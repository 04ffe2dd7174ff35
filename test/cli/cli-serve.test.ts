import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { kaizenService } from '../support/kaizen-service.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';
import { CLI_MAIN } from './run-cli.js';

/** Two semi-spaces of 4 MB: V8's young generation with `--max-semi-space-size=4`, as `npm start` runs. */
const CAPPED_NEW_SPACE_BYTES = 2 * 4 * 1024 * 1024;
const hasExecve = typeof (process as { execve?: unknown }).execve === 'function';

interface Served {
  output: string;
  /** V8's new space now (prom-client's default metric on /metrics). */
  newSpaceBytes: number;
}

/** Runs `rollback-bot serve` (the compiled CLI) until it listens, reads /metrics, then stops it. */
async function serve(prefix: string, servicesDir: string, env: Record<string, string> = {}): Promise<Served> {
  const child: ResultPromise = execa(process.execPath, [CLI_MAIN, 'serve'], {
    extendEnv: false,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      SERVICES_DIR: servicesDir,
      PORT: '0',
      HOST: '127.0.0.1',
      ROLE: 'web',
      LOG_LEVEL: 'info',
      ...env,
    },
    reject: false,
    all: true,
    buffer: false,
  });
  let output = '';
  child.all?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  try {
    const started = Date.now();
    let url: string | undefined;
    while (url === undefined) {
      const line = output.split('\n').find((l) => l.includes('"rollback-bot is listening"'));
      if (line) url = (JSON.parse(line) as { url: string }).url;
      else if (Date.now() - started > 60_000) throw new Error(`serve did not listen:\n${output}`);
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const metrics = await (await fetch(new URL('/metrics', url))).text();
    const newSpace = /^rollbackbot_nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)/m.exec(metrics);
    if (!newSpace) throw new Error(`no new-space figure in /metrics:\n${metrics.slice(0, 2000)}`);
    return { output, newSpaceBytes: Number(newSpace[1]) };
  } finally {
    child.kill('SIGTERM');
    await child;
  }
}

describe('rollback-bot serve runs with the memory setting of npm start (--max-semi-space-size=4)', () => {
  const prefix = testPrefix('cli-serve');
  let servicesDir: string;
  beforeAll(async () => {
    servicesDir = await mkdtemp(join(tmpdir(), 'cli-serve-services-'));
    await writeFile(join(servicesDir, 'kaizen.yaml'), stringify(kaizenService()));
  });
  afterAll(async () => {
    await deletePrefix(prefix);
    await rm(servicesDir, { recursive: true, force: true });
  });

  it('with the flag in NODE_OPTIONS: the young generation stays within two 4 MB semi-spaces, no warning', async () => {
    const served = await serve(prefix, servicesDir, { NODE_OPTIONS: '--max-semi-space-size=4' });
    expect(served.newSpaceBytes).toBeGreaterThan(0);
    expect(served.newSpaceBytes).toBeLessThanOrEqual(CAPPED_NEW_SPACE_BYTES);
    expect(served.output).not.toContain('max-semi-space-size');
  }, 90_000);

  it('without it: restarts itself with the flag (process.execve), or, on a Node without execve, says how to set it', async () => {
    const served = await serve(prefix, servicesDir);
    const warning = served.output.split('\n').find((l) => l.includes('NODE_OPTIONS=--max-semi-space-size=4'));
    if (hasExecve) {
      expect(served.newSpaceBytes).toBeLessThanOrEqual(CAPPED_NEW_SPACE_BYTES);
      expect(warning).toBeUndefined();
    } else {
      expect(JSON.parse(warning ?? '{}')).toMatchObject({ level: 40, flag: '--max-semi-space-size=4' });
      // What the flag saves: V8's default young generation (16 MB semi-spaces) grows past the cap at start-up.
      expect(served.newSpaceBytes).toBeGreaterThan(CAPPED_NEW_SPACE_BYTES);
    }
  }, 90_000);
});
