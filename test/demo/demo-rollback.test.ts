import { request as httpRequest } from 'node:http';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvents } from './sse-events.js';
import { startDemoBot, type DemoBot } from './start-demo-bot.js';

interface Health {
  version: string;
  pid: number;
}
interface SnapshotEvent {
  jobId: string;
  version: number;
  state: string;
  html: string;
}

async function health(url: string): Promise<Health> {
  return (await (await fetch(url)).json()) as Health;
}

async function git(dir: string, ...args: string[]): Promise<string> {
  return (await execa('git', ['-C', dir, ...args])).stdout.trim();
}

function post(
  bot: DemoBot,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${bot.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The demo of `npm run demo`, end to end: a real git checkout, a real process restart, a real health check. */
describe('the demo: /rollback demo v0.7.0 from the console', () => {
  let env: DemoBot;

  beforeAll(async () => {
    env = await startDemoBot('demo');
  }, 60_000);
  afterAll(async () => env?.close(), 60_000);

  it('starts at v0.8.0, the bad deploy, with tags v0.6.0, v0.7.0 and v0.8.0', async () => {
    expect((await health(env.demo.healthUrl)).version).toBe('v0.8.0');
    expect(await git(env.demo.appDir, 'tag', '--list')).toBe('v0.6.0\nv0.7.0\nv0.8.0');
    expect(await git(env.demo.appDir, 'describe', '--tags', '--exact-match', 'HEAD')).toBe('v0.8.0');
    const reply = (await (
      await post(env, '/console/commands', { text: '/rollback versions demo', name: 'Dana' })
    ).json()) as { html: string };
    expect(reply.html).toMatch(/v0\.8\.0<\/button> tag v0\.8\.0: [0-9a-f]{7}, .*← current/);
  });

  it('checks out v0.7.0, restarts the app and verifies it answers v0.7.0, streaming each snapshot live', async () => {
    const before = await health(env.demo.healthUrl);
    const states: string[] = [];
    const stream = new AbortController();
    const live = readEvents(
      `${env.url}/console/events`,
      ({ event, data }) => {
        if (event !== 'snapshot') return;
        const snapshot = JSON.parse(data) as SnapshotEvent;
        if (snapshot.jobId.startsWith('demo-')) states.push(snapshot.state);
        return snapshot.state === 'succeeded' || snapshot.state === 'failed';
      },
      stream.signal,
    );

    const response = await post(env, '/console/commands', {
      text: 'demo v0.7.0 --reason "checkout returns 500"',
      name: 'Dana',
    });
    expect(response.status).toBe(200);
    const reply = (await response.json()) as { kind: string; jobId: string; html: string };
    expect(reply.kind).toBe('plan');
    const jobId = reply.jobId;
    expect(reply.html).toContain('Rollback plan for demo');

    await Promise.race([
      live,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`stream saw only ${states.join(', ')}`)), 30_000),
      ),
    ]);
    stream.abort();
    expect(states.at(-1)).toBe('succeeded');
    expect(states).toContain('running');

    const snapshot = await env.bot.rollbacks.status(jobId);
    expect(snapshot?.state).toBe('succeeded');
    expect(snapshot?.requester).toEqual({ id: 'console:dana', name: 'Dana', source: 'console' });
    expect(snapshot?.steps.map((s) => [s.id, s.state])).toEqual([
      ['identify', 'done'],
      ['precheck', 'done'],
      ['checkout', 'done'],
      ['restart', 'done'],
      ['verify', 'done'],
    ]);
    // Real: the work tree is at the v0.7.0 commit and a new process answers v0.7.0.
    expect(await git(env.demo.appDir, 'rev-parse', 'HEAD')).toBe(
      await git(env.demo.appDir, 'rev-parse', 'v0.7.0^{commit}'),
    );
    const after = await health(env.demo.healthUrl);
    expect(after.version).toBe('v0.7.0');
    expect(after.pid).not.toBe(before.pid);
    expect(snapshot?.details.map((d) => d.text).join('\n')).toContain(
      'answers v0.7.0, the version checked out (v0.7.0)',
    );
  });

  it('gives a browser that (re)connects the latest state of each rollback first', async () => {
    const first = new AbortController();
    let latest: SnapshotEvent | undefined;
    await readEvents(
      `${env.url}/console/events`,
      ({ event, data }) => {
        if (event === 'ready') return true;
        latest = JSON.parse(data) as SnapshotEvent;
      },
      first.signal,
    );
    expect(latest?.state).toBe('succeeded');
    expect(latest?.html).toContain('Rolled back demo from v0.8.0');
  });

  it('accepts commands only as JSON from its own page, with a name', async () => {
    const plain = await fetch(`${env.url}/console/commands`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"text":"demo v0.6.0","name":"Eve"}',
    });
    expect(plain.status).toBe(415);
    const foreign = await post(
      env,
      '/console/commands',
      { text: 'demo v0.6.0', name: 'Eve' },
      { origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
    // The server's host and origin policy refuses it before the console sees it.
    expect(((await foreign.json()) as { error: string }).error).toBe(
      'Requests are only accepted from the pages of this bot itself.',
    );
    const anonymous = await post(env, '/console/commands', { text: 'demo v0.6.0', name: '' });
    expect(anonymous.status).toBe(400);
    // DNS rebinding: a page on evil.example resolved to 127.0.0.1 is same-origin with itself, so the Host
    // header is what gives it away.
    const rebound = await rawRequest(env.url, '/console/commands', 'evil.example', {
      text: 'demo v0.6.0',
      name: 'Eve',
    });
    expect(rebound).toBe(421);
    expect(await rawRequest(env.url, '/', 'evil.example')).toBe(421);
    expect((await health(env.demo.healthUrl)).version).toBe('v0.7.0');
  });
});

/** `npm run demo` itself (run-demo.ts with tsx), as a subprocess in a temp data dir. */
describe('npm run demo', () => {
  it('prepares the app, starts the bot in local mode, says where the console is, and stops the app on SIGTERM', async () => {
    const { mkdtemp, readFile, rm } = await import('node:fs/promises');
    const { parseEnv } = await import('node:util');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { freePort } = await import('./start-demo-bot.js');
    const { testPrefix, deletePrefix } = await import('../support/redis-test-prefix.js');
    const dataDir = await mkdtemp(join(tmpdir(), 'rollback-npm-demo-'));
    const [port, appPort] = [await freePort(), await freePort()];
    const prefix = testPrefix('npm-demo');
    // One process (tsx as a loader), so SIGTERM reaches the demo itself as Ctrl-C would.
    const child = execa(process.execPath, ['--import', 'tsx', 'scripts/demo/run-demo.ts'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: {
        PORT: String(port),
        DEMO_APP_PORT: String(appPort),
        DEMO_DATA_DIR: dataDir,
        DEMO_REDIS_PREFIX: prefix,
        LOG_LEVEL: 'info',
      },
      reject: false,
      all: true,
    });
    try {
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "Demo ready" line:\n${output}`)), 30_000);
        child.all?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Demo ready') && output.includes('From a terminal')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      expect(output).toContain(`open the web console at http://localhost:${port}/`);
      expect(output).toContain('set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET');
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(page).toContain('<title>#incidents · rollback-bot console</title>');
      expect(page).toContain('data-fill="/rollback versions demo"');
      expect((await health(`http://127.0.0.1:${appPort}/health`)).version).toBe('v0.8.0');
      // The CLI in another terminal finds the demo through the env file it wrote, with the command printed.
      const envFile = join(dataDir, 'demo.env');
      expect(output).toMatch(new RegExp(`node \\S*dist/cli/main\\.js --env ${envFile} history demo`));
      const written = parseEnv(await readFile(envFile, 'utf8'));
      expect(written).toEqual({ SERVICES_DIR: join(dataDir, 'services'), REDIS_PREFIX: prefix });
    } finally {
      child.kill('SIGTERM');
      await child;
      await deletePrefix(prefix);
    }
    await expect(fetch(`http://127.0.0.1:${appPort}/health`)).rejects.toThrow();
    await rm(dataDir, { recursive: true, force: true });
  }, 90_000);
});

/** A request with a Host header of our choosing (fetch does not let a caller set Host); resolves the status. */
function rawRequest(base: string, path: string, host: string, json?: unknown): Promise<number> {
  const url = new URL(path, base);
  const body = json === undefined ? undefined : JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          host: `${host}:${url.port}`,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', origin: `http://${host}:${url.port}` }),
        },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
