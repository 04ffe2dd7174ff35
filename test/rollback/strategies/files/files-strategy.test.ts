import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/observability/logger.js';
import { InputError, PermanentError } from '../../../../src/errors/rollback-error.js';
import type { RollbackRequest } from '../../../../src/rollback/plan.js';
import { FilesStrategy } from '../../../../src/rollback/strategies/files/files-strategy.js';
import { nodeLocalFiles } from '../../../../src/targets/files/node-local-files.js';
import { createCommandRunnerFactory } from '../../../../src/targets/shell/create-command-runner-factory.js';
import { quoteForRemoteShell } from '../../../../src/rollback/quote-for-remote-shell.js';
import { standinPath, type StandinPath } from '../../../support/standins/standin-path.js';
import { runSteps, testService, testStepContext } from '../host/test-step-context.js';

let standins: StandinPath;
let app: string;
let backups: string;

async function writeTree(dir: string, files: Record<string, string>, mtime?: Date): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  if (mtime) await utimes(dir, mtime, mtime);
}

beforeEach(async () => {
  standins = await standinPath();
  app = join(standins.dir, 'srv', 'app');
  backups = join(standins.dir, 'backup', 'app');
  await writeTree(app, { VERSION: 'v0.8.0\n', 'lib/app.js': 'broken v0.8.0\n', 'new-in-0.8.txt': 'x\n' });
  await writeTree(
    join(backups, 'v0.6.0'),
    { VERSION: 'v0.6.0\n', 'lib/app.js': 'v0.6.0\n' },
    new Date('2025-11-01T10:00:00Z'),
  );
  await writeTree(
    join(backups, 'v0.7.0'),
    { VERSION: 'v0.7.0\n', 'lib/app.js': 'good v0.7.0\n' },
    new Date('2025-11-10T10:00:00Z'),
  );
  await writeTree(join(backups, '.pre-rollback-old-job'), { VERSION: 'x' });
  await writeTree(join(backups, 'not a version'), { VERSION: 'x' }, new Date('2025-11-20T10:00:00Z'));
});
afterEach(async () => {
  await standins.cleanup();
});

const request = (version?: string): RollbackRequest => ({
  service: 'app',
  ...(version === undefined ? {} : { version }),
  dryRun: false,
  requester: { id: 'U1', name: 'ada', source: 'cli' },
});

function setup(files: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const service = testService({
    strategy: 'files',
    files: { path: app, backupDir: backups, unit: 'app.service', ...files },
    ...extra,
  });
  const runners = createCommandRunnerFactory({ log: silentLogger(), baseEnv: standins.env });
  return {
    service,
    strategy: new FilesStrategy({
      runners,
      localFiles: nodeLocalFiles(),
      commandTimeoutMs: 20_000,
      healthRetry: { attempts: 1, intervalMs: 0 },
    }),
  };
}

describe('FilesStrategy versions and resolve', () => {
  it('lists the backups newest first, leaving out saved pre-rollback copies and names that are not versions', async () => {
    const { service, strategy } = setup();
    expect(await strategy.listVersions(service)).toEqual([
      { id: 'v0.7.0', description: 'backup v0.7.0, saved 2025-11-10T10:00:00.000Z' },
      { id: 'v0.6.0', description: 'backup v0.6.0, saved 2025-11-01T10:00:00.000Z' },
    ]);
  });

  it('resolves "previous" to the newest backup and a named one to itself', async () => {
    const { service, strategy } = setup();
    const plan = await strategy.resolve(service, request());
    expect(plan.target).toEqual({ backup: 'v0.7.0', backupPath: `${backups}/v0.7.0` });
    expect(plan.to).toBe('backup v0.7.0');
    expect(plan.actions.map((a) => a.description)).toEqual([
      'systemctl stop app.service',
      `save ${app} to ${backups}/.pre-rollback-<job>`,
      `cp -a -- ${backups}/v0.7.0/. ${app}/`,
      'systemctl start app.service',
    ]);
    expect((await strategy.resolve(service, request('v0.6.0'))).target).toEqual({
      backup: 'v0.6.0',
      backupPath: `${backups}/v0.6.0`,
    });
  });

  it('refuses a missing backup, listing the available ones', async () => {
    const { service, strategy } = setup();
    const error = await strategy.resolve(service, request('v0.5.0')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({
      code: 'backup_not_found',
      message: `there is no backup "v0.5.0" in ${backups} on local`,
      hint: 'Available backups, newest first: v0.7.0, v0.6.0.',
    });
  });

  it.each(['../../etc', '.pre-rollback-old-job', '-rf', 'v1; rm -rf /'])('refuses %j', async (version) => {
    const { service, strategy } = setup();
    await expect(strategy.resolve(service, request(version))).rejects.toBeInstanceOf(InputError);
  });

  it('says so when the backup directory does not exist', async () => {
    const { service, strategy } = setup({ backupDir: join(standins.dir, 'nowhere') });
    await expect(strategy.resolve(service, request())).rejects.toMatchObject({ code: 'backup_dir_missing' });
  });
});

describe('FilesStrategy steps', () => {
  it('stops, saves the current files, restores the backup with fs, starts and verifies; a resumed job changes nothing', async () => {
    const { service, strategy } = setup();
    const plan = await strategy.resolve(service, request('v0.7.0'));
    const ctx = testStepContext(service, { jobId: 'job-42' });
    const outcomes = await runSteps(strategy.steps(service, plan.target), ctx);
    expect(outcomes.map((o) => o.id)).toEqual(['identify', 'precheck', 'stop', 'restore', 'start', 'verify']);

    expect(await readFile(join(app, 'lib/app.js'), 'utf8')).toBe('good v0.7.0\n');
    expect(await readFile(join(app, 'VERSION'), 'utf8')).toBe('v0.7.0\n');
    // Like the runbook's cp, files that the backup does not have stay.
    expect(existsSync(join(app, 'new-in-0.8.txt'))).toBe(true);
    const saved = join(backups, '.pre-rollback-job-42');
    expect(await readFile(join(saved, 'lib/app.js'), 'utf8')).toBe('broken v0.8.0\n');
    expect(ctx.store.get('files:local:saved-to')).toBe(saved);
    expect(await standins.argvOf('systemctl')).toEqual([
      ['is-active', 'app.service'],
      ['stop', 'app.service'],
      ['is-active', 'app.service'],
      ['start', 'app.service'],
      ['is-active', 'app.service'],
      ['status', 'app.service', '--no-pager'],
    ]);
    expect(await standins.unitState('local', 'app.service')).toBe('active');

    await writeFile(join(app, 'VERSION'), 'touched after the rollback\n');
    const again = await runSteps(
      strategy.steps(service, plan.target),
      testStepContext(service, { jobId: 'job-42', store: ctx.store }),
    );
    expect(again.filter((o) => o.outcome && o.outcome.skipped).map((o) => o.id)).toEqual([
      'stop',
      'restore',
      'start',
    ]);
    expect(await readFile(join(app, 'VERSION'), 'utf8')).toBe('touched after the rollback\n');
    expect(await readFile(join(saved, 'lib/app.js'), 'utf8')).toBe('broken v0.8.0\n');
  });

  it('refuses in precheck when the backup vanished, before stopping anything', async () => {
    const { service, strategy } = setup();
    const plan = await strategy.resolve(service, request('v0.6.0'));
    await rm(join(backups, 'v0.6.0'), { recursive: true });
    await expect(
      runSteps(strategy.steps(service, plan.target), testStepContext(service)),
    ).rejects.toMatchObject({
      code: 'backup_missing',
      message: `backup ${backups}/v0.6.0 does not exist on local; nothing was changed`,
    });
    expect(await standins.argvOf('systemctl')).toEqual([]);
  });

  it('when stop fails, says the service still runs and nothing was restored', async () => {
    await standins.failAction('local', 'app.service', 'stop');
    const { service, strategy } = setup();
    const plan = await strategy.resolve(service, request());
    const error = (await runSteps(strategy.steps(service, plan.target), testStepContext(service)).catch(
      (e: unknown) => e,
    )) as PermanentError;
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('stop_failed');
    expect(error.message).toBe(
      '`systemctl stop app.service` exited with 1 on local; app.service is active there. Files not restored on any host.',
    );
    expect(error.hint).toBe(
      'Check `systemctl status app.service --no-pager` on local. Then retry the rollback.',
    );
    expect(await readFile(join(app, 'VERSION'), 'utf8')).toBe('v0.8.0\n');
  });

  it('when start fails after the restore, says the service is down with the backup restored and how to undo', async () => {
    await standins.failAction('local', 'app.service', 'start');
    const { service, strategy } = setup();
    const plan = await strategy.resolve(service, request());
    const ctx = testStepContext(service, { jobId: 'job-7' });
    const error = (await runSteps(strategy.steps(service, plan.target), ctx).catch(
      (e: unknown) => e,
    )) as PermanentError;
    expect(error.code).toBe('start_failed');
    expect(error.message).toBe(
      '`systemctl start app.service` exited with 1 on local; app.service is failed there. Backup v0.7.0 is restored on every host, but app.service did not start on local.',
    );
    expect(error.hint).toContain(`cp -a ${backups}/.pre-rollback-<job id>/. ${app}/`);
    expect(error.details).toContain(
      'See "systemctl status app.service" and "journalctl -xeu app.service" for details.',
    );
  });

  it('over ssh with sudo: every file operation is a quoted argv through sudo -n, and the restore really happens', async () => {
    const { service, strategy } = setup({ sudo: true }, { hosts: [{ name: 'root@web-1' }] });
    const plan = await strategy.resolve(service, request('v0.6.0'));
    await runSteps(strategy.steps(service, plan.target), testStepContext(service, { jobId: 'job-9' }));
    expect(await readFile(join(app, 'lib/app.js'), 'utf8')).toBe('v0.6.0\n');
    const saved = `${backups}/.pre-rollback-job-9`;
    expect(await readFile(join(saved, 'lib/app.js'), 'utf8')).toBe('broken v0.8.0\n');

    const q = (...argv: string[]) => quoteForRemoteShell(['sudo', '-n', ...argv]);
    expect((await standins.argvOf('ssh')).map((argv) => argv.at(-1))).toEqual([
      q('test', '-d', backups),
      q('find', backups, '-mindepth', '1', '-maxdepth', '1', '-type', 'd', '-printf', '%T@\\t%f\\n'),
      q('test', '-d', `${backups}/v0.6.0`),
      quoteForRemoteShell(['systemctl', 'is-active', 'app.service']),
      q('systemctl', 'stop', 'app.service'),
      q('rm', '-rf', '--', saved),
      q('test', '-d', app),
      q('mkdir', '-p', '--', saved),
      q('cp', '-a', '--', `${app}/.`, `${saved}/`),
      q('mkdir', '-p', '--', app),
      q('cp', '-a', '--', `${backups}/v0.6.0/.`, `${app}/`),
      quoteForRemoteShell(['systemctl', 'is-active', 'app.service']),
      quoteForRemoteShell(['date', '+%s']),
      q('systemctl', 'start', 'app.service'),
      quoteForRemoteShell(['systemctl', 'is-active', 'app.service']),
      quoteForRemoteShell(['systemctl', 'status', 'app.service', '--no-pager']),
      expect.stringMatching(
        /^'sudo' '-n' 'journalctl' '-u' 'app.service' '-n' '20' '--no-pager' '--since=@\d+'$/,
      ),
    ]);
    expect(await standins.argvOf('systemctl', 'root@web-1')).toContainEqual(['stop', 'app.service']);
  });
});
