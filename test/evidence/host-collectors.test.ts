import { gunzipSync } from 'node:zlib';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readBundle, type EvidenceBundle } from '../../src/evidence/bundle/read-bundle.js';
import { takeEvidenceBundles, type EvidenceDeps } from '../../src/evidence/collect-evidence.js';
import { parseProcessSnapshot } from '../../src/evidence/formats/process-snapshot.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createCommandRunnerFactory } from '../../src/targets/shell/create-command-runner-factory.js';
import {
  hostService,
  startIdleProcess,
  writeHostState,
  type IdleProcess,
} from '../support/evidence-fixtures.js';
import { PLANTED_PRIVATE_KEY, PLANTED_SECRETS, SECRETS } from '../support/planted-secrets.js';
import { standinPath, type StandinPath } from '../support/standins/standin-path.js';

let standins: StandinPath;
let cgroupRoot: string;
let worker: IdleProcess;
let helper: IdleProcess;

beforeAll(async () => {
  worker = await startIdleProcess(6);
  helper = await startIdleProcess(1);
});
afterAll(async () => {
  await worker?.stop();
  await helper?.stop();
});

beforeEach(async () => {
  standins = await standinPath();
  cgroupRoot = await mkdtemp(join(tmpdir(), 'evidence-cgroup-'));
  // The unit's control group lists the two real processes, as /sys/fs/cgroup would.
  await mkdir(join(cgroupRoot, 'system.slice', 'kaizen.service'), { recursive: true });
  await writeFile(
    join(cgroupRoot, 'system.slice', 'kaizen.service', 'cgroup.procs'),
    `${worker.pid}\n${helper.pid}\n`,
  );
  for (const host of ['local', 'deploy@web-1']) {
    await writeHostState(
      standins,
      host,
      'kaizen.service.show',
      [
        `MainPID=${worker.pid}`,
        'NRestarts=2',
        `Environment=LANG=C.UTF-8 DB_PASSWORD=${SECRETS.dbPassword} SLACK_BOT_TOKEN=${SECRETS.slackBot}`,
        `ExecStart={ path=/usr/bin/kaizen ; argv[]=/usr/bin/kaizen --password=${SECRETS.cliPassword} ; }`,
      ].join('\n'),
    );
  }
  await standins.addJournal(
    'local',
    'kaizen.service',
    [
      'kaizen[4243]: listening on :8080',
      `kaizen[4243]: ERROR upstream refused Authorization: Bearer ${SECRETS.bearer}`,
      `kaizen[4243]: connecting to postgres://kaizen:${SECRETS.urlPassword}@db:5432/kaizen failed`,
    ],
    30,
  );
  await standins.addJournal('local', 'kaizen.service', ['kaizen[4243]: too old to be in the bundle'], 7200);
});
afterEach(async () => {
  await standins.cleanup();
  await rm(cgroupRoot, { recursive: true, force: true });
});

function deps(): EvidenceDeps {
  return {
    runners: createCommandRunnerFactory({ log: silentLogger(), baseEnv: standins.env }),
    clusters: () => {
      throw new Error('no cluster in host tests');
    },
    process: { cgroupRoots: [join(tmpdir(), 'no-such-cgroup-root'), cgroupRoot] },
  };
}

function everyText(bundle: EvidenceBundle, raw: Buffer): string {
  return [
    JSON.stringify(bundle.manifest),
    ...bundle.paths.map((p) => bundle.text(p) ?? ''),
    gunzipSync(raw).toString('latin1'),
  ].join('\n');
}

describe('host evidence from real processes and command stand-ins', () => {
  it('captures the runbook layout: journal, systemctl show, a process snapshot and the hardening report', async () => {
    const configDir = join(standins.dir, 'etc');
    await mkdir(configDir);
    await writeFile(
      join(configDir, 'kaizen.env'),
      `PORT=8080\nAPI_KEY=${SECRETS.apiKey}\n${PLANTED_PRIVATE_KEY}\n`,
    );
    await writeFile(join(configDir, 'VERSION'), 'v0.8.0\n');
    const service = hostService({
      files: [join(configDir, 'kaizen.env')],
      versionFile: join(configDir, 'VERSION'),
    });
    const now = new Date();
    const [written] = await takeEvidenceBundles(
      { service, label: 'broken', jobId: 'kaizen-abc123-0001', now },
      deps(),
    );
    const bundle = await readBundle(written!.data);

    expect(bundle.manifest).toMatchObject({
      service: 'kaizen',
      label: 'broken',
      jobId: 'kaizen-abc123-0001',
      target: { kind: 'host', host: 'local', unit: 'kaizen.service' },
      takenAt: now.toISOString(),
    });
    expect(bundle.manifest.collectors.map((c) => [c.name, c.ok])).toEqual([
      ['journald', true],
      ['systemd', true],
      ['process', true],
      ['hardening', true],
      ['files', true],
    ]);
    expect(bundle.paths).toEqual([
      'logs/journald.txt',
      'systemd/show.txt',
      'process/snapshot.txt',
      'hardening/report.txt',
      'version.txt',
      `files${join(configDir, 'kaizen.env')}`,
    ]);

    const journal = bundle.text('logs/journald.txt') ?? '';
    expect(journal).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 local kaizen\[4243\]: listening on :8080$/m,
    );
    expect(journal).toContain('ERROR upstream refused Authorization: [redacted]');
    expect(journal).not.toContain('too old');
    const [journalArgv] = await standins.argvOf('journalctl');
    expect(journalArgv).toEqual([
      '-u',
      'kaizen.service',
      `--since=@${Math.floor(now.getTime() / 1000) - 3600}`,
      '-n',
      '1000',
      '--no-pager',
      '-o',
      'short-iso',
    ]);

    expect(bundle.text('systemd/show.txt')).toContain('NRestarts=2');
    expect(bundle.text('systemd/show.txt')).toContain(
      'Environment=LANG=C.UTF-8 DB_PASSWORD=[redacted] SLACK_BOT_TOKEN=[redacted]',
    );

    const processes = parseProcessSnapshot(bundle.text('process/snapshot.txt') ?? '');
    expect(processes.map((p) => p.pid)).toEqual([worker.pid, helper.pid]);
    const [main, second] = processes;
    expect(main).toMatchObject({ name: 'node' });
    expect(main!.rssKb).toBeGreaterThan(1000);
    expect(main!.threads).toBeGreaterThan(1);
    // stdin, stdout, stderr plus the six files it holds open, at least.
    expect(main!.fds).toBeGreaterThanOrEqual(9);
    expect(main!.fds! - second!.fds!).toBeGreaterThanOrEqual(5);

    expect(bundle.text('hardening/report.txt')).toContain(
      'Overall exposure level for kaizen.service: 9.6 UNSAFE',
    );
    expect(bundle.text('version.txt')).toBe('v0.8.0');
    expect(bundle.text(`files${join(configDir, 'kaizen.env')}`)).toContain('API_KEY=[redacted]');

    const all = everyText(bundle, written!.data);
    for (const secret of PLANTED_SECRETS) expect(all).not.toContain(secret);
  });

  it('collects each host of the service over SSH, one bundle per host', async () => {
    const service = hostService({ collectors: ['systemd', 'process'] }, ['local', 'deploy@web-1']);
    const written = await takeEvidenceBundles({ service, label: 'pre-deploy' }, deps());
    const bundles = await Promise.all(written.map((w) => readBundle(w.data)));
    expect(bundles.map((b) => b.manifest.target)).toEqual([
      { kind: 'host', host: 'local', unit: 'kaizen.service' },
      { kind: 'host', host: 'deploy@web-1', unit: 'kaizen.service' },
    ]);
    expect(bundles.every((b) => b.manifest.collectors.every((c) => c.ok))).toBe(true);
    const ssh = await standins.argvOf('ssh');
    expect(
      ssh.some((argv) => argv.includes('deploy@web-1') && argv.join(' ').includes("'systemctl' 'show'")),
    ).toBe(true);
    expect(parseProcessSnapshot(bundles[1]!.text('process/snapshot.txt') ?? '').map((p) => p.pid)).toEqual([
      worker.pid,
      helper.pid,
    ]);
  });

  it('falls back to MainPID when the control group cannot be read, and runs sudo -n when the service asks', async () => {
    const service = hostService({ collectors: ['process', 'journald'], sudo: true });
    const [written] = await takeEvidenceBundles(
      { service, label: 'broken' },
      { ...deps(), process: { cgroupRoots: [join(tmpdir(), 'no-such-cgroup-root')] } },
    );
    const bundle = await readBundle(written!.data);
    expect(parseProcessSnapshot(bundle.text('process/snapshot.txt') ?? '').map((p) => p.pid)).toEqual([
      worker.pid,
    ]);
    const sudo = (await standins.argvOf('sudo')).map((argv) => argv.slice(0, 2).join(' '));
    expect(sudo).toEqual(expect.arrayContaining(['-n journalctl', '-n ls']));
  });

  it('records a failing collector with its reason and still writes the others', async () => {
    const service = hostService({ collectors: ['systemd', 'files'], files: ['/nonexistent/kaizen.conf'] });
    const [written] = await takeEvidenceBundles({ service, label: 'broken' }, deps());
    const bundle = await readBundle(written!.data);
    const files = bundle.manifest.collectors.find((c) => c.name === 'files');
    expect(files).toMatchObject({ ok: false, files: [] });
    expect(files?.error).toMatch(/no file could be read.*\/nonexistent\/kaizen\.conf/);
    expect(bundle.manifest.collectors.find((c) => c.name === 'systemd')?.ok).toBe(true);
    expect(bundle.paths).toEqual(['systemd/show.txt']);
  });

  it('says plainly when the service names no unit', async () => {
    const service = hostService({ collectors: ['journald'] });
    const noUnit = { ...service, files: { ...service.files!, unit: undefined } };
    const [written] = await takeEvidenceBundles({ service: noUnit, label: 'broken' }, deps());
    const bundle = await readBundle(written!.data);
    expect(bundle.manifest.collectors).toEqual([
      expect.objectContaining({
        name: 'journald',
        ok: false,
        error: expect.stringContaining('set evidence.unit'),
      }),
    ]);
  });
});
