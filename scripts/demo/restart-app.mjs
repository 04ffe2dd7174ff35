#!/usr/bin/env node
/* global process, fetch, AbortSignal */
// Restarts the demo app from its work tree: stops the process named in the pid file (SIGTERM, then
// SIGKILL), starts `node server.mjs` detached with its output in a log file, writes the new pid, and waits
// until /health answers. It is the demo service's `git.restart` argv, run by the bot with execa (no shell).
//
//   node scripts/demo/restart-app.mjs --app <work tree> --port <port> --run-dir <dir for pid and log>
//   node scripts/demo/restart-app.mjs --stop --run-dir <dir>      (stop only: used when the demo ends)
import { openSync, readFileSync, writeFileSync, mkdirSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { execa } from 'execa';

const { values } = parseArgs({
  options: {
    app: { type: 'string' },
    port: { type: 'string' },
    'run-dir': { type: 'string' },
    stop: { type: 'boolean' },
  },
});
const app = values.app;
const port = Number(values.port);
const runDir = values['run-dir'];
if (!runDir || (!values.stop && (!app || !Number.isInteger(port)))) {
  process.stderr.write('usage: restart-app.mjs --app <dir> --port <port> --run-dir <dir>\n');
  process.exit(2);
}
mkdirSync(runDir, { recursive: true });
const pidFile = join(runDir, 'app.pid');
if (values.stop) {
  await stop();
  process.exit(0);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stop() {
  let pid;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return;
  try {
    // A stale pid file may name an unrelated process by now: only the demo app's server is stopped.
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('server.mjs')) return;
  } catch {
    // No /proc (macOS): trust the pid file.
  }
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  process.stdout.write(`stopped pid ${pid}\n`);
}

async function start() {
  const log = openSync(join(runDir, 'app.log'), 'a');
  const child = execa(process.execPath, ['server.mjs'], {
    cwd: app,
    detached: true,
    stdio: ['ignore', log, log],
    env: { DEMO_APP_PORT: String(port) },
    extendEnv: true,
    cleanup: false,
    reject: false,
  });
  closeSync(log);
  child.unref();
  writeFileSync(pidFile, `${child.pid}\n`);
  const url = `http://127.0.0.1:${port}/health`;
  for (let i = 0; i < 100; i++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      const body = await response.json();
      process.stdout.write(`started pid ${child.pid}: ${url} answers ${body.version}\n`);
      return;
    } catch {
      if (!alive(child.pid)) break;
      await sleep(100);
    }
  }
  process.stderr.write(`the demo app did not answer on ${url}; see ${join(runDir, 'app.log')}\n`);
  process.exit(1);
}

await stop();
await start();
process.exit(0);
