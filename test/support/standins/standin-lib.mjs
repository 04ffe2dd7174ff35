// Shared by the stand-in executables (ssh, sudo, systemctl, journalctl, record-argv): test fixtures only.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

/** The host a stand-in pretends to run on: the ssh stand-in sets STANDIN_SSH_HOST for what it runs. */
export function currentHost() {
  return process.env.STANDIN_SSH_HOST ?? 'local';
}

/** Appends `{tool, host, argv}` as one JSON line to $STANDIN_LOG. */
export function record(tool, argv) {
  const log = process.env.STANDIN_LOG;
  if (log) appendFileSync(log, `${JSON.stringify({ tool, host: currentHost(), argv })}\n`);
}

/** This host's state directory: $STANDIN_STATE/<host>/ */
export function hostStateDir() {
  const dir = join(process.env.STANDIN_STATE ?? '/nonexistent-standin-state', currentHost());
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function readState(name, fallback) {
  const file = join(hostStateDir(), name);
  return existsSync(file) ? readFileSync(file, 'utf8') : fallback;
}

export function writeState(name, text) {
  writeFileSync(join(hostStateDir(), name), text);
}

export function stateExists(name) {
  return existsSync(join(hostStateDir(), name));
}

/** Journal lines are stored as "<epoch seconds>\t<message>". */
export function appendJournal(unit, messages) {
  const now = Math.floor(Date.now() / 1000);
  appendFileSync(join(hostStateDir(), `${unit}.journal`), messages.map((m) => `${now}\t${m}\n`).join(''));
}
