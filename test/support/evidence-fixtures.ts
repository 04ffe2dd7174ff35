import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { serviceSchema, type ServiceConfig } from '../../src/config/service-schema.js';
import type { StandinPath } from './standins/standin-path.js';

/** Writes a stand-in state file for a host ("kaizen.service.show", "kaizen.service.exposure"). */
export async function writeHostState(
  standins: StandinPath,
  host: string,
  name: string,
  content: string,
): Promise<void> {
  const dir = join(standins.env['STANDIN_STATE'] ?? '', host);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), content);
}

/** A host service (files strategy) with unit kaizen.service on the given hosts and an `evidence:` section. */
export function hostService(
  evidence: Record<string, unknown> = {},
  hosts: string[] = ['local'],
): ServiceConfig {
  return serviceSchema.parse({
    name: 'kaizen',
    channel: 'C0123',
    strategy: 'files',
    files: { path: '/srv/kaizen', backupDir: '/backup/kaizen', unit: 'kaizen.service' },
    hosts: hosts.map((name) => ({ name })),
    evidence,
  });
}

export interface IdleProcess {
  pid: number;
  stop(): Promise<void>;
}

/**
 * A real process to snapshot: node holding `extraFds` open files and a few threads, running until stopped.
 * Resolves once it has opened them.
 */
export async function startIdleProcess(extraFds: number): Promise<IdleProcess> {
  const script = `
    const fs = require('node:fs');
    const held = [];
    for (let i = 0; i < ${extraFds}; i++) held.push(fs.openSync('/dev/null', 'r'));
    process.stdout.write('ready\\n');
    setInterval(() => {}, 1000);
  `;
  const child: ResultPromise = execa(process.execPath, ['-e', script], { reject: false, stdin: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('error', reject);
  });
  return {
    pid: child.pid ?? 0,
    async stop() {
      child.kill('SIGTERM');
      await child;
    },
  };
}
