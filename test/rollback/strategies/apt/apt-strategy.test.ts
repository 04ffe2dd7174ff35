import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aptSectionSchema } from '../../../../src/config/strategies/apt-schema.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { InputError, PermanentError, RetryableError } from '../../../../src/errors/rollback-error.js';
import { AptStrategy } from '../../../../src/rollback/strategies/apt/apt-strategy.js';
import {
  createHarness,
  memoryStore,
  request,
  runSteps,
  service,
  type Harness,
} from '../host/strategy-harness.js';

const VERSIONS = ['0.8.0-1', '0.7.0-1', '1:0.6.2-1~bpo12+1'];
const aptState = (installed: string | null, extra: Record<string, unknown> = {}) => ({
  packages: { kaizen: { installed, versions: VERSIONS } },
  ...extra,
});
const INSTALL = ['install', '-y', '--allow-downgrades', 'kaizen=0.7.0-1'];

let h: Harness;
let strategy: AptStrategy;
const svc = service({
  strategy: 'apt',
  hosts: [{ name: 'web-1' }, { name: 'web-2' }],
  apt: { package: 'kaizen', unit: 'kaizen.service', sudo: true },
});

async function toolCalls(host: string): Promise<string[][]> {
  return (await h.standins.calls())
    .filter((c) => c.host === host && c.tool !== 'ssh')
    .map((c) => [c.tool, ...c.argv]);
}

beforeEach(async () => {
  h = await createHarness();
  strategy = new AptStrategy({ runnerFactory: h.runnerFactory, log: silentLogger() });
  await h.setState('web-1', 'apt.json', aptState('0.8.0-1'));
  await h.setState('web-2', 'apt.json', aptState('0.8.0-1'));
});
afterEach(() => h.standins.cleanup());

describe('apt schema', () => {
  it('is strict and fills defaults', () => {
    expect(aptSectionSchema.parse({ package: 'kaizen' })).toEqual({
      package: 'kaizen',
      sudo: false,
      restart: true,
      timeout: 600,
    });
    expect(aptSectionSchema.safeParse({ package: 'kaizen', version: '1' }).success).toBe(false);
    expect(aptSectionSchema.safeParse({ package: '-kaizen' }).success).toBe(false);
    expect(aptSectionSchema.safeParse({ package: 'kaizen', unit: 'a b' }).success).toBe(false);
  });
});

describe('AptStrategy.listVersions / resolve', () => {
  it('lists what apt can install, marking the installed version', async () => {
    const versions = await strategy.listVersions(svc);
    expect(versions).toEqual([
      { id: '0.8.0-1', description: 'kaizen 0.8.0-1 (installed on web-1, web-2)', current: true },
      { id: '0.7.0-1', description: 'kaizen 0.7.0-1' },
      { id: '1:0.6.2-1~bpo12+1', description: 'kaizen 1:0.6.2-1~bpo12+1' },
    ]);
  });

  it('resolves "previous" to the version below the installed one and plans the exact commands per host', async () => {
    const plan = await strategy.resolve(svc, request());
    expect(plan).toMatchObject({ from: 'kaizen 0.8.0-1', to: 'kaizen 0.7.0-1' });
    expect(plan.target).toEqual({
      package: 'kaizen',
      version: '0.7.0-1',
      hosts: [
        { host: 'web-1', from: '0.8.0-1' },
        { host: 'web-2', from: '0.8.0-1' },
      ],
    });
    const web1 = [
      'sudo -n apt-get install -y --allow-downgrades kaizen=0.7.0-1',
      'sudo -n systemctl restart kaizen.service',
      'systemctl is-active kaizen.service',
      'systemctl status kaizen.service --no-pager',
      'sudo -n journalctl -u kaizen.service -n 20 --no-pager',
    ];
    expect(plan.actions).toEqual([
      ...web1.map((d) => ({ target: 'web-1', description: d })),
      ...web1.map((d) => ({ target: 'web-2', description: d })),
    ]);
    expect(await toolCalls('web-1')).toEqual([['apt-cache', 'policy', 'kaizen']]);
  });

  it('accepts an epoch/tilde version apt lists', async () => {
    expect((await strategy.resolve(svc, request('1:0.6.2-1~bpo12+1'))).target).toMatchObject({
      version: '1:0.6.2-1~bpo12+1',
    });
  });

  it('refuses a version apt cannot install, one already installed, and one missing on a host', async () => {
    await expect(strategy.resolve(svc, request('0.5.0-1'))).rejects.toMatchObject({
      code: 'unknown_version',
      hint: 'Versions available on every host: 0.7.0-1, 1:0.6.2-1~bpo12+1.',
    });
    await expect(strategy.resolve(svc, request('0.8.0-1'))).rejects.toMatchObject({
      code: 'already_current',
    });
    await h.setState('web-2', 'apt.json', {
      packages: { kaizen: { installed: '0.8.0-1', versions: ['0.8.0-1'] } },
    });
    await expect(strategy.resolve(svc, request('0.7.0-1'))).rejects.toMatchObject({
      code: 'unknown_version',
      message: 'kaizen 0.7.0-1 cannot be installed on web-2.',
    });
  });

  it.each(['v1.0; rm -rf /', '$(id)', '0.7.0-1\n0.8.0-1', '--help', '-o=APT::x', "0.7.0-1' x"])(
    'refuses hostile input %j before any apt-get',
    async (version) => {
      const error = await strategy.resolve(svc, request(version)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error).toMatchObject({ code: 'bad_version' });
      const calls = await h.standins.calls();
      expect(calls.some((c) => c.tool === 'apt-get')).toBe(false);
      expect(calls.some((c) => c.argv.some((a) => a.includes(version)))).toBe(false);
    },
  );
});

describe('AptStrategy steps', { timeout: 120_000 }, () => {
  it('downgrades one host after the other, restarts the unit and verifies it', async () => {
    const plan = await strategy.resolve(svc, request());
    const steps = strategy.steps(svc, plan.target);
    expect(steps.map((s) => s.id)).toEqual(['identify', 'precheck', 'change', 'restart', 'verify']);
    const run = await runSteps(steps, svc, plan);
    expect(run.error).toBeUndefined();
    const sequence = (await h.standins.calls()).filter(
      (c) => c.tool === 'apt-get' || (c.tool === 'sudo' && c.argv[1] === 'apt-get'),
    );
    expect(sequence.map((c) => [c.host, c.tool])).toEqual([
      ['web-1', 'sudo'],
      ['web-1', 'apt-get'],
      ['web-2', 'sudo'],
      ['web-2', 'apt-get'],
    ]);
    expect(await toolCalls('web-2')).toEqual([
      ['apt-cache', 'policy', 'kaizen'], // resolve
      ['apt-cache', 'policy', 'kaizen'], // identify
      ['apt-cache', 'policy', 'kaizen'], // precheck
      ['sudo', '-n', 'true'],
      ['apt-cache', 'policy', 'kaizen'], // change: current state first
      ['sudo', '-n', 'apt-get', ...INSTALL],
      ['apt-get', ...INSTALL],
      ['apt-cache', 'policy', 'kaizen'], // change: check it took
      ['sudo', '-n', 'systemctl', 'restart', 'kaizen.service'],
      ['systemctl', 'restart', 'kaizen.service'],
      ['systemctl', 'is-active', 'kaizen.service'],
      ['systemctl', 'status', 'kaizen.service', '--no-pager'],
      [
        'sudo',
        '-n',
        'journalctl',
        '-u',
        'kaizen.service',
        '-n',
        '20',
        '--no-pager',
        expect.stringMatching(/^--since=@\d+$/),
      ],
      [
        'journalctl',
        '-u',
        'kaizen.service',
        '-n',
        '20',
        '--no-pager',
        expect.stringMatching(/^--since=@\d+$/),
      ],
    ]);
    expect(run.details).toContain('change: web-1: 0.8.0-1 → 0.7.0-1');
    // apt-cache now reports the downgraded version.
    expect((await strategy.listVersions(svc)).find((v) => v.current)?.id).toBe('0.7.0-1');
  });

  it('a resumed job does not install again (with its memory, or finding the host already changed)', async () => {
    const plan = await strategy.resolve(svc, request());
    const memory = memoryStore();
    await runSteps(strategy.steps(svc, plan.target), svc, plan, memory);
    for (const mem of [memory, memoryStore()]) {
      const again = await runSteps(strategy.steps(svc, plan.target), svc, plan, mem, { from: 'change' });
      expect(again.error).toBeUndefined();
      expect(again.results[0]).toMatchObject({
        id: 'change',
        skipped: true,
        summary: 'all 2 host(s) already at kaizen 0.7.0-1',
      });
    }
    expect((await h.standins.argvOf('apt-get')).length).toBe(2);
  });

  it('skips a host already at the target and changes the other', async () => {
    await h.setState('web-1', 'apt.json', aptState('0.7.0-1'));
    const plan = await strategy.resolve(svc, request('0.7.0-1'));
    expect(plan.actions.filter((a) => a.target === 'web-1')).toEqual([]);
    const run = await runSteps(strategy.steps(svc, plan.target), svc, plan);
    expect(run.results.find((r) => r.id === 'change')?.summary).toBe(
      '1 host(s) changed, 1 already at target',
    );
    expect(await h.standins.argvOf('apt-get', 'web-1')).toEqual([]);
  });

  it('stops at the first failing host and says which hosts are where', async () => {
    const plan = await strategy.resolve(svc, request());
    await h.setState('web-2', 'apt.json', aptState('0.8.0-1', { failInstall: { exitCode: 100 } }));
    const run = await runSteps(strategy.steps(svc, plan.target), svc, plan);
    expect(run.failedStep).toBe('change');
    expect(run.error).toBeInstanceOf(PermanentError);
    const error = run.error as PermanentError;
    expect(error.code).toBe('apt_install_failed');
    expect(error.message).toBe('Could not install kaizen=0.7.0-1 on web-2 (exit code 100).');
    expect(error.details).toContain('exit code 100');
    expect(error.details).toContain('E: Sub-process /usr/bin/dpkg returned an error code (1)');
    expect(error.hint).toMatch(/^Done: web-1\. Failed: web-2\. Not done: no host\. .*dpkg --configure -a/);
  });

  it('treats a held dpkg lock as retryable', async () => {
    const plan = await strategy.resolve(svc, request());
    await h.setState('web-1', 'apt.json', aptState('0.8.0-1', { locked: true }));
    const run = await runSteps(strategy.steps(svc, plan.target), svc, plan);
    expect(run.error).toBeInstanceOf(RetryableError);
    expect(run.error).toMatchObject({ code: 'apt_locked' });
  });

  it('precheck fails when sudo needs a password', async () => {
    const denied = await createHarness({ STANDIN_SUDO_DENY: '1' });
    try {
      await denied.setState('web-1', 'apt.json', aptState('0.8.0-1'));
      await denied.setState('web-2', 'apt.json', aptState('0.8.0-1'));
      const s = new AptStrategy({ runnerFactory: denied.runnerFactory, log: silentLogger() });
      const plan = await s.resolve(svc, request());
      const run = await runSteps(s.steps(svc, plan.target), svc, plan);
      expect(run).toMatchObject({ failedStep: 'precheck', error: { code: 'sudo_not_allowed' } });
      expect((run.error as PermanentError).details).toContain('sudo: a password is required');
    } finally {
      await denied.standins.cleanup();
    }
  });
});
