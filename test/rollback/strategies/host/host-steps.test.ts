import { createServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/observability/logger.js';
import { PermanentError } from '../../../../src/errors/rollback-error.js';
import { findJournalErrors } from '../../../../src/rollback/strategies/host/find-journal-errors.js';
import { forEachHost } from '../../../../src/rollback/strategies/host/for-each-host.js';
import { resolveHostRollout } from '../../../../src/rollback/strategies/host/host-rollout.js';
import { hostShell, type HostStepDeps } from '../../../../src/rollback/strategies/host/host-shell.js';
import { createHostVerifyStep } from '../../../../src/rollback/strategies/host/host-verify-step.js';
import { createUnitActionStep } from '../../../../src/rollback/strategies/host/unit-action-step.js';
import { createCommandRunnerFactory } from '../../../../src/targets/shell/create-command-runner-factory.js';
import { standinPath, type StandinPath } from '../../../support/standins/standin-path.js';
import { testService, testStepContext } from './test-step-context.js';

let standins: StandinPath;
let deps: HostStepDeps;
beforeEach(async () => {
  standins = await standinPath();
  deps = {
    runners: createCommandRunnerFactory({ log: silentLogger(), baseEnv: standins.env }),
    commandTimeoutMs: 10_000,
    healthRetry: { attempts: 1, intervalMs: 0 },
  };
});
afterEach(async () => {
  await standins.cleanup();
});

const hosts = [{ name: 'web-1' }, { name: 'web-2' }, { name: 'web-3' }];

describe('forEachHost', () => {
  it('goes one host at a time in order, and never runs more than `parallel` at once', async () => {
    for (const parallel of [1, 2]) {
      let running = 0;
      let peak = 0;
      const order: string[] = [];
      await forEachHost(hosts, parallel, async (host) => {
        running++;
        peak = Math.max(peak, running);
        order.push(host.name);
        await new Promise((r) => setTimeout(r, 20));
        running--;
      });
      expect(peak).toBe(parallel);
      expect(order).toEqual(['web-1', 'web-2', 'web-3']);
    }
  });

  it('starts no host after a failure and tells the work which hosts completed', async () => {
    const seen: Array<[string, string[]]> = [];
    const error = await forEachHost(hosts, 1, async (host, progress) => {
      seen.push([host.name, [...progress.completed]]);
      if (host.name === 'web-2') throw new Error('boom');
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'boom' });
    expect(seen).toEqual([
      ['web-1', []],
      ['web-2', ['web-1']],
    ]);
  });
});

describe('forEachHost in parallel', () => {
  it('says which hosts finished beside the failing one, after its account was written', async () => {
    const error = await forEachHost(hosts.slice(0, 2), 2, async (host, progress) => {
      if (host.name === 'web-1') {
        throw new PermanentError(
          'command_failed',
          `web-1 failed. Done: ${progress.completed.join(', ') || 'no host'}.`,
          {
            hint: 'Look at web-1.',
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).code).toBe('command_failed');
    expect((error as PermanentError).message).toBe(
      'web-1 failed. Done: no host. Meanwhile web-2 finished this step too (in parallel): count it as done.',
    );
    expect((error as PermanentError).hint).toBe('Look at web-1.');
  });
});

describe('resolveHostRollout', () => {
  it('defaults to the worker itself, one at a time', () => {
    expect(resolveHostRollout(testService({ strategy: 'git', git: { path: '/srv/app' } }))).toEqual({
      hosts: [{ name: 'local' }],
      parallel: 1,
    });
    const service = testService({
      strategy: 'git',
      git: { path: '/srv/app' },
      hosts: [{ name: 'web-1', port: 2222 }, { name: 'web-2' }],
    });
    expect(resolveHostRollout({ ...service, rollout: { parallel: 5 } } as typeof service)).toEqual({
      hosts: [{ name: 'web-1', port: 2222 }, { name: 'web-2' }],
      parallel: 2,
    });
  });
});

describe('hostShell', () => {
  it('turns a failing command into a PermanentError with the exit code and the last lines of output', async () => {
    const shell = hostShell(deps, { name: 'web-1' }, new AbortController().signal);
    const error = (await shell
      .run(['systemctl', 'frobnicate', 'app.service'], { purpose: 'frobnicate', hint: 'do X' })
      .catch((e: unknown) => e)) as PermanentError;
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({
      code: 'command_failed',
      message: 'frobnicate (`systemctl frobnicate app.service`) failed on web-1 with exit code 1',
      hint: 'do X',
    });
    expect(error.details).toEqual(['Unknown command verb frobnicate.']);
  });

  it('reports a timeout', async () => {
    const shell = hostShell({ ...deps, commandTimeoutMs: 200 }, { name: 'local' });
    await expect(shell.run(['sleep', '5'])).rejects.toMatchObject({
      code: 'command_timeout',
      message: expect.stringMatching(/^`sleep 5` timed out on local after \d+s$/),
    });
  });
});

describe('createUnitActionStep', () => {
  it('when stop fails on the second host, the error says where the service is already stopped', async () => {
    await standins.failAction('web-2', 'app.service', 'stop');
    const step = createUnitActionStep({
      id: 'stop',
      title: 'Stop',
      action: 'stop',
      unit: 'app.service',
      sudo: true,
      hosts,
      parallel: 1,
      deps,
      describeFailure: ({ host, completedHosts, state }) => ({
        situation: `done: ${completedHosts.join(',')}; ${host} is ${state}.`,
        hint: 'h',
      }),
    });
    const ctx = testStepContext(testService({ strategy: 'git', git: { path: '/srv/app' } }));
    await expect(step.run(ctx)).rejects.toMatchObject({
      code: 'stop_failed',
      message:
        '`sudo -n systemctl stop app.service` exited with 1 on web-2; app.service is active there. done: web-1; web-2 is active.',
      details: ['Job for app.service canceled.'],
    });
    expect(await standins.unitState('web-1', 'app.service')).toBe('inactive');
    expect(await standins.argvOf('sudo', 'web-1')).toEqual([['-n', 'systemctl', 'stop', 'app.service']]);
    expect(await standins.argvOf('sudo', 'web-3')).toEqual([]);
  });

  it('is skipped when there is no unit and no command', async () => {
    const step = createUnitActionStep({
      id: 'start',
      title: 'Start',
      action: 'start',
      hosts,
      parallel: 1,
      deps,
      describeFailure: () => ({ situation: '', hint: '' }),
    });
    expect(
      await step.run(testStepContext(testService({ strategy: 'git', git: { path: '/srv/app' } }))),
    ).toEqual({
      skipped: true,
      summary: 'no unit configured, nothing to start',
    });
    expect(await standins.calls()).toEqual([]);
  });
});

describe('createHostVerifyStep', () => {
  it('fails on an inactive unit and on journal lines matching the default pattern; passes a healthy URL', async () => {
    await standins.setUnitState('local', 'app.service', 'failed');
    await standins.addJournal(
      'local',
      'app.service',
      ['app[1]: listening on :8080', 'app[1]: Failed to open /var/lib/app/db'],
      0,
    );
    const server = createServer((_req, res) => res.writeHead(200).end('ok')).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/healthz`;
      const service = testService({ strategy: 'git', git: { path: '/srv/app' }, verify: { healthUrl: url } });
      const ctx = testStepContext(service);
      const step = createHostVerifyStep({
        unit: 'app.service',
        hosts: [{ name: 'local' }],
        parallel: 1,
        deps,
      });
      const error = (await step.run(ctx).catch((e: unknown) => e)) as PermanentError;
      expect(error.code).toBe('verify_failed');
      expect(error.details).toEqual([
        'local: app.service is failed, not active',
        expect.stringMatching(/^local: .* app\[1\]: Failed to open \/var\/lib\/app\/db$/),
      ]);
      expect(ctx.details[0]).toContain('Active: failed (Result: exit-code)');
      expect(ctx.details).toContainEqual(expect.stringMatching(/^health http.*: 200/));
      expect(await standins.argvOf('journalctl')).toEqual([['-u', 'app.service', '-n', '20', '--no-pager']]);
    } finally {
      server.close();
    }
  });

  it('is skipped when there is nothing to verify', async () => {
    const step = createHostVerifyStep({ hosts: [{ name: 'local' }], parallel: 1, deps });
    expect(
      await step.run(testStepContext(testService({ strategy: 'git', git: { path: '/srv/app' } }))),
    ).toMatchObject({ skipped: true });
  });
});

describe('findJournalErrors', () => {
  it('matches /error|fail/i by default, the configured pattern otherwise, and ignores journalctl markers', () => {
    const journal = '-- No entries --\nStarted app.\nERROR boom\nfailover done\nWARN slow';
    expect(findJournalErrors(journal, undefined)).toEqual(['ERROR boom', 'failover done']);
    expect(findJournalErrors(journal, 'WARN|boom')).toEqual(['ERROR boom', 'WARN slow']);
  });
});
