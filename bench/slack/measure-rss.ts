import { execa } from 'execa';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { slashCommandRequest } from '../../test/support/slack-request.js';
import { freePort } from '../../test/support/free-port.js';

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** RSS once a second for `seconds` seconds; returns the samples, first one now. */
async function sampleRss(pid: number, seconds: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i <= seconds; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
    samples.push(await rssMb(pid));
  }
  return samples;
}

export type RssFigures = {
  /** 3 s after the bot answers /healthz: start-up's young generation and garbage are still there. */
  idleMb: number;
  /** Once V8 has settled (its memory reducer runs some seconds after the last busy period): median of the last 5 of `settleSeconds` samples. */
  idleSettledMb: number;
  /** Right after `requests` commands and 20 dry runs. */
  loadedMb: number;
  /** The same `settleSeconds` later, with nothing arriving. */
  loadedSettledMb: number;
  settleSeconds: number;
};

function settled(samples: number[]): number {
  const last = samples.slice(-5).sort((a, b) => a - b);
  return last[Math.floor(last.length / 2)] ?? 0;
}

/**
 * Idle and loaded RSS of the compiled bot with ROLE=all (web + worker in one process) and one service in
 * the catalog, as `npm start` runs it (its command line, read from package.json): idle 3 s after it
 * answers /healthz and again once settled, loaded after `requests` signed `/rollback help` commands and
 * 20 dry runs and again once settled.
 */
export async function measureRss(options: {
  kubeconfigPath: string;
  slackApiUrl: string;
  service: Record<string, unknown>;
  requests: number;
  /** How long to watch RSS after start-up and after the load (default 30 s). */
  settleSeconds?: number;
}): Promise<RssFigures> {
  const settleSeconds = options.settleSeconds ?? 30;
  // The compiled bot, as `npm start` runs it: built from this checkout first.
  await execa('npm', ['run', 'build']);
  const dir = await mkdtemp(join(tmpdir(), 'rss-bench-'));
  await writeFile(join(dir, 'kaizen.yaml'), stringify(options.service));
  const port = await freePort();
  const secret = 'bench-signing-secret-0123456789';
  // `npm start`'s own command line (its node flags matter: source maps, the young generation's size).
  const start = (JSON.parse(await readFile('package.json', 'utf8')) as { scripts: { start: string } }).scripts
    .start;
  const [node = 'node', ...args] = start.split(' ');
  const bot = execa(node, args, {
    env: {
      ROLE: 'all',
      PORT: String(port),
      HOST: '127.0.0.1',
      SERVICES_DIR: dir,
      KUBECONFIG: options.kubeconfigPath,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: secret,
      SLACK_API_URL: options.slackApiUrl,
      REDIS_PREFIX: `rss-bench-${process.pid}`,
      LOG_LEVEL: 'error',
    },
    reject: false,
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const pid = bot.pid ?? 0;
    const idle = await sampleRss(pid, settleSeconds - 3);
    for (let i = 0; i < options.requests; i++) {
      const text = i % (options.requests / 20) === 0 ? 'kaizen v0.7.0 --dry-run' : 'help';
      const request = slashCommandRequest({ signingSecret: secret, text });
      await fetch(`${base}/slack/events`, { method: 'POST', headers: request.headers, body: request.body });
    }
    const loaded = await sampleRss(pid, settleSeconds);
    return {
      idleMb: idle[0] ?? 0,
      idleSettledMb: settled(idle),
      loadedMb: loaded[0] ?? 0,
      loadedSettledMb: settled(loaded),
      settleSeconds,
    };
  } finally {
    bot.kill('SIGTERM');
    await bot;
  }
}
