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

/**
 * Idle and loaded RSS of the compiled bot with ROLE=all (web + worker in one process) and one service in
 * the catalog, as `npm start` runs it (its command line, read from package.json): idle 3 s after it
 * answers /healthz, loaded after `requests` signed `/rollback help` commands and 20 dry runs.
 */
export async function measureRss(options: {
  kubeconfigPath: string;
  slackApiUrl: string;
  service: Record<string, unknown>;
  requests: number;
}): Promise<{ idleMb: number; loadedMb: number }> {
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
    const idleMb = await rssMb(bot.pid ?? 0);
    for (let i = 0; i < options.requests; i++) {
      const text = i % (options.requests / 20) === 0 ? 'kaizen v0.7.0 --dry-run' : 'help';
      const request = slashCommandRequest({ signingSecret: secret, text });
      await fetch(`${base}/slack/events`, { method: 'POST', headers: request.headers, body: request.body });
    }
    const loadedMb = await rssMb(bot.pid ?? 0);
    return { idleMb, loadedMb };
  } finally {
    bot.kill('SIGTERM');
    await bot;
  }
}
