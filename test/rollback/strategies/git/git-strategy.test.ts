import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/observability/logger.js';
import { InputError, PermanentError } from '../../../../src/errors/rollback-error.js';
import type { RollbackRequest } from '../../../../src/rollback/plan.js';
import { GitStrategy } from '../../../../src/rollback/strategies/git/git-strategy.js';
import { createCommandRunnerFactory } from '../../../../src/targets/shell/create-command-runner-factory.js';
import { quoteForRemoteShell } from '../../../../src/rollback/quote-for-remote-shell.js';
import { standinPath, type StandinPath } from '../../../support/standins/standin-path.js';
import { runSteps, testService, testStepContext } from '../host/test-step-context.js';
import { createGitFixture, type GitFixture } from './git-fixture.js';

let standins: StandinPath;
let repo: GitFixture;
beforeEach(async () => {
  standins = await standinPath();
  repo = createGitFixture(standins.dir);
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

function setup(
  git: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
  env: Record<string, string> = {},
) {
  const service = testService({
    strategy: 'git',
    git: { path: repo.work, unit: 'app.service', ...git },
    ...extra,
  });
  const runners = createCommandRunnerFactory({ log: silentLogger(), baseEnv: { ...standins.env, ...env } });
  return {
    service,
    strategy: new GitStrategy({
      runners,
      commandTimeoutMs: 20_000,
      healthRetry: { attempts: 2, intervalMs: 50 },
    }),
  };
}

describe('GitStrategy versions and resolve', () => {
  it('lists the release tags newest first and the last commits, marking the current one', async () => {
    const { service, strategy } = setup();
    const versions = await strategy.listVersions(service);
    expect(versions.map((v) => [v.id, v.current ?? false])).toEqual([
      ['v0.8.0', true],
      ['v0.7.0', false],
      ['v0.6.0', false],
      [repo.sha['v0.8.0'].slice(0, 7), true],
      [repo.sha['v0.7.0'].slice(0, 7), false],
      [repo.sha['v0.6.0'].slice(0, 7), false],
    ]);
    expect(versions[3]?.description).toMatch(/^commit [0-9a-f]{7}: release v0\.8\.0, /);
  });

  it('resolves "previous" to the tag before the current one', async () => {
    const { service, strategy } = setup();
    const plan = await strategy.resolve(service, request());
    expect(plan.target).toEqual({
      version: 'v0.7.0',
      kind: 'tag',
      sha: repo.sha['v0.7.0'],
      fromSha: repo.sha['v0.8.0'],
      fromLabel: 'v0.8.0',
    });
    expect(plan.from).toBe(`v0.8.0 (${repo.sha['v0.8.0'].slice(0, 7)})`);
    expect(plan.to).toBe(`v0.7.0 (${repo.sha['v0.7.0'].slice(0, 7)})`);
    expect(plan.actions).toEqual([
      { target: 'local', description: `git -C ${repo.work} checkout --detach ${repo.sha['v0.7.0']} --` },
      { target: 'local', description: 'systemctl restart app.service' },
    ]);
  });

  it('resolves a named tag and an abbreviated commit id', async () => {
    const { service, strategy } = setup();
    expect((await strategy.resolve(service, request('v0.6.0'))).target).toMatchObject({
      kind: 'tag',
      sha: repo.sha['v0.6.0'],
    });
    const short = repo.sha['v0.7.0'].slice(0, 8);
    expect((await strategy.resolve(service, request(short))).target).toMatchObject({
      version: short,
      kind: 'commit',
      sha: repo.sha['v0.7.0'],
    });
  });

  it('resolves "previous" from an untagged HEAD to the nearest tag below it', async () => {
    writeFileSync(join(repo.work, 'hotfix.txt'), 'x\n');
    repo.git(repo.work, 'add', 'hotfix.txt');
    repo.git(repo.work, 'commit', '--quiet', '-m', 'hotfix');
    const { service, strategy } = setup();
    const plan = await strategy.resolve(service, request('previous'));
    expect(plan.target).toMatchObject({
      version: 'v0.8.0',
      sha: repo.sha['v0.8.0'],
      fromLabel: repo.git(repo.work, 'rev-parse', '--short=7', 'HEAD'),
    });
  });

  it('refuses an unknown version, listing the tags; and a branch name, which is neither tag nor commit', async () => {
    const { service, strategy } = setup();
    for (const version of ['v9.9.9', 'main', 'HEAD']) {
      const error = await strategy.resolve(service, request(version)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error).toMatchObject({ code: 'unknown_version', hint: 'Recent tags: v0.8.0, v0.7.0, v0.6.0.' });
    }
  });

  it('refuses the version that is already checked out', async () => {
    const { service, strategy } = setup();
    await expect(strategy.resolve(service, request('v0.8.0'))).rejects.toMatchObject({
      code: 'already_current',
      message: `${repo.work} is already at v0.8.0 (${repo.sha['v0.8.0'].slice(0, 7)})`,
    });
  });

  it('refuses a work tree with local modifications, naming the files', async () => {
    writeFileSync(join(repo.work, 'app.js'), 'console.log("patched on the box");\n');
    writeFileSync(join(repo.work, 'VERSION'), 'hand-edited\n');
    const { service, strategy } = setup();
    const error = await strategy.resolve(service, request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({
      code: 'work_tree_modified',
      message: `${repo.work} on local has local modifications (VERSION, app.js); refusing to check out over them`,
      details: [' M VERSION', ' M app.js'],
    });
    expect((error as InputError).hint).toContain(`git -C ${repo.work} stash`);
  });

  it.each(['v1.0; rm -rf /', '$(id)', '`id`', '--help', '-n', 'v1\nv2', "v1'", '../../etc'])(
    'refuses the hostile version %j before any command runs',
    async (version) => {
      const { service, strategy } = setup({}, { hosts: [{ name: 'deploy@web-1' }] });
      await expect(strategy.resolve(service, request(version))).rejects.toMatchObject({
        code: version === 'v0.7.0..v0.8.0' ? 'unknown_version' : 'bad_version',
      });
      const commands = (await standins.argvOf('ssh')).map((argv) => argv.at(-1) ?? '');
      if (version === 'v0.7.0..v0.8.0') {
        // Valid characters, so it is looked up, but only as a quoted tag ref after --end-of-options, never as a range or option.
        expect(commands).toContain(
          quoteForRemoteShell([
            'git',
            '-C',
            repo.work,
            'rev-parse',
            '--verify',
            '--quiet',
            '--end-of-options',
            'refs/tags/v0.7.0..v0.8.0^{commit}',
          ]),
        );
        expect(commands.filter((c) => c.includes('v0.7.0..v0.8.0'))).toHaveLength(1);
      } else {
        expect(commands).toEqual([]);
      }
    },
  );

  it('fetches tags from origin first when remote: true', async () => {
    repo.git(repo.bare, 'tag', 'v0.9.0', repo.sha['v0.6.0']);
    const { service, strategy } = setup({ remote: true });
    const versions = await strategy.listVersions(service);
    expect(versions[0]?.id).toBe('v0.9.0');
    expect((await strategy.resolve(service, request('v0.9.0'))).target).toMatchObject({
      sha: repo.sha['v0.6.0'],
    });
  });
});

describe('GitStrategy steps', () => {
  it('checks out, restarts and verifies on the worker, with exact systemctl/journalctl argv; resumes without repeating', async () => {
    await standins.addJournal('local', 'app.service', ['app[4000]: Error: v0.8.0 crashed on boot'], 600);
    const { service, strategy } = setup();
    const plan = await strategy.resolve(service, request());
    const ctx = testStepContext(service);
    const outcomes = await runSteps(strategy.steps(service, plan.target), ctx);

    expect(outcomes.map((o) => [o.id, o.outcome && o.outcome.skipped === true])).toEqual([
      ['identify', false],
      ['precheck', false],
      ['checkout', false],
      ['restart', false],
      ['verify', false],
    ]);
    expect(repo.git(repo.work, 'rev-parse', 'HEAD')).toBe(repo.sha['v0.7.0']);
    expect(ctx.store.get('git:local:previous-sha')).toBe(repo.sha['v0.8.0']);
    expect(await standins.argvOf('systemctl')).toEqual([
      ['restart', 'app.service'],
      ['is-active', 'app.service'],
      ['status', 'app.service', '--no-pager'],
    ]);
    const journal = await standins.argvOf('journalctl');
    expect(journal).toEqual([
      ['-u', 'app.service', '-n', '20', '--no-pager', expect.stringMatching(/^--since=@\d+$/)],
    ]);
    expect(ctx.details).toContain(
      `local: ${repo.sha['v0.8.0'].slice(0, 7)} → v0.7.0 (${repo.sha['v0.7.0'].slice(0, 7)})`,
    );
    expect(ctx.details).toContain('local: journal of app.service is clean');

    // A resumed job (same memory) changes nothing: checkout and restart are skipped.
    const again = await runSteps(
      strategy.steps(service, plan.target),
      testStepContext(service, { store: ctx.store }),
    );
    expect(again.find((o) => o.id === 'checkout')?.outcome).toMatchObject({ skipped: true });
    expect(again.find((o) => o.id === 'restart')?.outcome).toMatchObject({ skipped: true });
    expect((await standins.argvOf('systemctl')).filter((argv) => argv[0] === 'restart')).toHaveLength(1);
  });

  it('uses sudo -n for systemctl and journalctl when sudo: true, and a restart argv instead of systemctl', async () => {
    const { service, strategy } = setup({ sudo: true, restart: ['record-argv', 'reload', '--graceful'] });
    const plan = await strategy.resolve(service, request('v0.6.0'));
    await runSteps(strategy.steps(service, plan.target), testStepContext(service));
    expect(await standins.argvOf('sudo')).toEqual([
      ['-n', 'record-argv', 'reload', '--graceful'],
      [
        '-n',
        'journalctl',
        '-u',
        'app.service',
        '-n',
        '20',
        '--no-pager',
        expect.stringMatching(/^--since=@\d+$/),
      ],
    ]);
    expect(await standins.argvOf('record-argv')).toEqual([['reload', '--graceful']]);
    expect((await standins.argvOf('systemctl')).map((argv) => argv[0])).toEqual(['is-active', 'status']);
  });

  it('refuses in precheck when someone modified the work tree after the plan was made', async () => {
    const { service, strategy } = setup();
    const plan = await strategy.resolve(service, request());
    writeFileSync(join(repo.work, 'app.js'), 'changed\n');
    const error = await runSteps(strategy.steps(service, plan.target), testStepContext(service)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'work_tree_modified', details: [' M app.js'] });
    expect(repo.git(repo.work, 'rev-parse', 'HEAD')).toBe(repo.sha['v0.8.0']);
  });

  it('reports a failed restart with the unit state and how to go back', async () => {
    await standins.failAction('local', 'app.service', 'restart');
    const { service, strategy } = setup();
    const plan = await strategy.resolve(service, request());
    const error = (await runSteps(strategy.steps(service, plan.target), testStepContext(service)).catch(
      (e: unknown) => e,
    )) as PermanentError;
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('restart_failed');
    expect(error.message).toBe(
      '`systemctl restart app.service` exited with 1 on local; app.service is failed there. v0.7.0 is checked out on every host; the service did not restart on local.',
    );
    expect(error.hint).toContain(`git -C ${repo.work} checkout --detach ${repo.sha['v0.8.0']} --`);
    expect(error.details[0]).toBe(
      'Job for app.service failed because the control process exited with error code.',
    );
  });

  it('fails verification on new journal errors, an unhealthy URL and a failing smoke test, reporting each', async () => {
    await standins.onStartLogs('local', 'app.service', ['app[4242]: FATAL: database connection refused']);
    const server = await import('node:http').then(({ createServer }) =>
      createServer((_req, res) => res.writeHead(503).end('starting')).listen(0, '127.0.0.1'),
    );
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const { service, strategy } = setup(
        {},
        {
          verify: {
            healthUrl: `http://127.0.0.1:${port}/health`,
            logErrorPattern: 'FATAL',
            smoke: { command: ['false'], timeout: 10 },
          },
        },
      );
      const plan = await strategy.resolve(service, request());
      const error = (await runSteps(strategy.steps(service, plan.target), testStepContext(service)).catch(
        (e: unknown) => e,
      )) as PermanentError;
      expect(error.code).toBe('verify_failed');
      expect(error.details).toEqual([
        expect.stringMatching(
          /^local: \w{3} \d\d \d\d:\d\d:\d\d local app\[4242\]: FATAL: database connection refused$/,
        ),
        `health http://127.0.0.1:${port}/health: 503 instead of 200: starting`,
        'smoke test failed (exit 1)',
      ]);
    } finally {
      server.close();
    }
  }, 30_000);
});

describe('GitStrategy over ssh', () => {
  it('runs every git command as one quoted argv per ssh call, host by host', async () => {
    const { service, strategy } = setup(
      {},
      { hosts: [{ name: 'deploy@web-1' }, { name: 'deploy@web-2', port: 2222 }] },
    );
    const plan = await strategy.resolve(service, request('v0.7.0'));
    await runSteps(strategy.steps(service, plan.target), testStepContext(service));

    const g = (...args: string[]) => quoteForRemoteShell(['git', '-C', repo.work, ...args]);
    const web1 = (await standins.argvOf('ssh'))
      .filter((argv) => argv.includes('deploy@web-1'))
      .map((argv) => argv.at(-1));
    const tagFormat =
      '--format=%(refname:strip=2)%09%(*objectname)%09%(objectname)%09%(creatordate:relative)';
    const sha7 = repo.sha['v0.7.0'];
    expect(web1).toEqual([
      // resolve (first host)
      g('rev-parse', '--verify', 'HEAD'),
      g('status', '--porcelain', '--untracked-files=no'),
      g('tag', '--list', '--sort=-v:refname', tagFormat, '--', 'v*'),
      g('describe', '--tags', '--exact-match', '--match', 'v*', repo.sha['v0.8.0']),
      g('rev-parse', '--verify', '--quiet', '--end-of-options', 'refs/tags/v0.7.0^{commit}'),
      // identify
      g('rev-parse', '--verify', 'HEAD'),
      g('describe', '--tags', '--exact-match', '--match', 'v*', repo.sha['v0.8.0']),
      // precheck
      g('status', '--porcelain', '--untracked-files=no'),
      g('rev-parse', '--verify', '--quiet', '--end-of-options', `${sha7}^{commit}`),
      // checkout
      g('rev-parse', '--verify', 'HEAD'),
      g('checkout', '--quiet', '--detach', sha7, '--'),
      // restart
      quoteForRemoteShell(['date', '+%s']),
      quoteForRemoteShell(['systemctl', 'restart', 'app.service']),
      // verify
      quoteForRemoteShell(['systemctl', 'is-active', 'app.service']),
      quoteForRemoteShell(['systemctl', 'status', 'app.service', '--no-pager']),
      expect.stringMatching(/^'journalctl' '-u' 'app.service' '-n' '20' '--no-pager' '--since=@\d+'$/),
    ]);
    // Both hosts are this machine here, so web-2 finds the checkout done and skips it.
    const web2 = (await standins.argvOf('ssh')).filter((argv) => argv.includes('deploy@web-2'));
    expect(web2[0]?.slice(0, 7)).toEqual([
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=10',
      '-p',
      '2222',
      '--',
    ]);
    expect(web2.map((argv) => argv.at(-1))).not.toContain(g('checkout', '--quiet', '--detach', sha7, '--'));
    expect(await standins.argvOf('systemctl', 'deploy@web-2')).toEqual([
      ['restart', 'app.service'],
      ['is-active', 'app.service'],
      ['status', 'app.service', '--no-pager'],
    ]);
  });

  it('stops at an unreachable host with a retryable error', async () => {
    const { service, strategy } = setup(
      {},
      { hosts: [{ name: 'web-1' }, { name: 'web-2' }] },
      { STANDIN_SSH_UNREACHABLE: 'web-2' },
    );
    const plan = await strategy.resolve(service, request('v0.7.0'));
    await expect(
      runSteps(strategy.steps(service, plan.target), testStepContext(service)),
    ).rejects.toMatchObject({
      name: 'RetryableError',
      code: 'ssh_unreachable',
    });
  });
});
