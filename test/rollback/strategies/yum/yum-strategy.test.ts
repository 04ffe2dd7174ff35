import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { yumSectionSchema } from '../../../../src/config/strategies/yum-schema.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { InputError, PermanentError } from '../../../../src/errors/rollback-error.js';
import { YumStrategy } from '../../../../src/rollback/strategies/yum/yum-strategy.js';
import { parseYumHistory } from '../../../../src/rollback/strategies/yum/yum-output.js';
import {
  createHarness,
  memoryStore,
  request,
  runSteps,
  service,
  type Harness,
} from '../host/strategy-harness.js';

const yumState = (installed = '0.8.0-1.el7', extra: Record<string, unknown> = {}) => ({
  packages: { kaizen: { installed, available: ['0.6.0-1.el7', '0.7.0-1.el7', '0.8.0-1.el7'] } },
  history: [
    {
      id: 9,
      command: '-y install kaizen-0.6.0-1.el7',
      date: '2026-04-20 09:01',
      action: 'Install',
      package: 'kaizen',
      from: null,
      to: '0.6.0-1.el7',
    },
    {
      id: 11,
      command: '-y update kaizen-0.7.0',
      date: '2026-04-28 15:30',
      action: 'Update',
      package: 'kaizen',
      from: '0.6.0-1.el7',
      to: '0.7.0-1.el7',
    },
    {
      id: 12,
      command: '-y update kaizen',
      date: '2026-05-02 10:14',
      action: 'Update',
      package: 'kaizen',
      from: '0.7.0-1.el7',
      to: '0.8.0-1.el7',
    },
  ],
  ...extra,
});

let h: Harness;
let strategy: YumStrategy;
const one = service({ strategy: 'yum', yum: { package: 'kaizen', unit: 'kaizen.service', restart: false } });
const two = service({
  strategy: 'yum',
  hosts: [{ name: 'db-1' }, { name: 'db-2' }],
  yum: { package: 'kaizen', sudo: true },
});

beforeEach(async () => {
  h = await createHarness();
  strategy = new YumStrategy({ runnerFactory: h.runnerFactory, log: silentLogger() });
  for (const host of ['local', 'db-1', 'db-2']) await h.setState(host, 'yum.json', yumState());
});
afterEach(() => h.standins.cleanup());

describe('yum schema and output', () => {
  it('is strict', () => {
    expect(yumSectionSchema.parse({ package: 'kaizen' })).toEqual({
      package: 'kaizen',
      sudo: false,
      restart: true,
      timeout: 600,
    });
    expect(yumSectionSchema.safeParse({ package: 'kaizen', undo: 3 }).success).toBe(false);
  });

  it('parses dnf history tables too', () => {
    const dnf = [
      'ID     | Command line              | Date and time    | Action(s)      | Altered',
      '--------------------------------------------------------------------------------',
      '    14 | upgrade kaizen            | 2026-05-02 10:14 | Upgrade        |    1   ',
      '     3 | install kaizen-0.6.0      | 2026-04-20 09:01 | Install        |    1 EE',
    ].join('\n');
    expect(parseYumHistory(dnf).map((t) => [t.id, t.actions])).toEqual([
      [14, 'Upgrade'],
      [3, 'Install'],
    ]);
  });
});

describe('YumStrategy.listVersions / resolve', () => {
  it('lists the package transactions, newest first', async () => {
    const versions = await strategy.listVersions(one);
    expect(versions.map((v) => v.id)).toEqual(['transaction:12', 'transaction:11', 'transaction:9']);
    expect(versions[0]).toMatchObject({
      current: true,
      description: 'transaction 12: Update (-y update kaizen), 2026-05-02 10:14 on local',
    });
    expect(versions[2]?.description).toContain('cannot be undone');
    expect(await h.standins.argvOf('yum')).toEqual([['history', 'list', 'kaizen']]);
  });

  it('"previous" undoes the latest update; the plan lists the exact command', async () => {
    const plan = await strategy.resolve(one, request());
    expect(plan.target).toEqual({
      package: 'kaizen',
      mode: 'undo',
      hosts: [{ host: 'local', from: '0.8.0-1.el7', transaction: 12 }],
    });
    expect(plan.to).toBe('kaizen before transaction 12');
    expect(plan.actions.map((a) => a.description)).toEqual([
      'yum history undo -y 12',
      'systemctl is-active kaizen.service',
      'systemctl status kaizen.service --no-pager',
      'journalctl -u kaizen.service -n 20 --no-pager',
    ]);
  });

  it('takes transaction:N on one host, a version on several', async () => {
    expect((await strategy.resolve(one, request('transaction:11'))).target).toMatchObject({
      mode: 'undo',
      hosts: [{ transaction: 11 }],
    });
    await expect(strategy.resolve(two, request('transaction:11'))).rejects.toMatchObject({
      code: 'transaction_needs_one_host',
    });
    const plan = await strategy.resolve(two, request('0.6.0-1.el7'));
    expect(plan.target).toMatchObject({ mode: 'downgrade', version: '0.6.0-1.el7' });
    expect(plan.actions.filter((a) => a.target === 'db-2').map((a) => a.description)).toEqual([
      'sudo -n yum downgrade -y kaizen-0.6.0-1.el7',
    ]);
  });

  it.each([
    ['transaction:9', 'unknown_transaction'],
    ['transaction:77', 'unknown_transaction'],
    ['0.5.0-1.el7', 'unknown_version'],
    ['0.8.0-1.el7', 'already_current'],
    ['$(id)', 'bad_version'],
    ['v1.0; rm -rf /', 'bad_version'],
    ['--help', 'bad_version'],
    ['1.0\n2.0', 'bad_version'],
  ])('refuses %j (%s) without running a change', async (version, code) => {
    const error = await strategy.resolve(one, request(version)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code });
    const argvs = await h.standins.argvOf('yum');
    expect(argvs.every((a) => a[0] === 'list' || a[1] === 'list')).toBe(true);
  });
});

describe('YumStrategy steps', { timeout: 120_000 }, () => {
  it('undoes the transaction once and verifies the unit; a resumed job does not undo again', async () => {
    const plan = await strategy.resolve(one, request());
    const steps = strategy.steps(one, plan.target);
    expect(steps.map((s) => s.id)).toEqual(['identify', 'precheck', 'change', 'verify']);
    const memory = memoryStore();
    const run = await runSteps(steps, one, plan, memory);
    expect(run.error).toBeUndefined();
    expect((await h.standins.argvOf('yum')).slice(2)).toEqual([
      ['list', '--showduplicates', 'kaizen'], // identify
      ['history', 'list', 'kaizen'], // precheck
      ['list', '--showduplicates', 'kaizen'], // change: current state first
      ['history', 'undo', '-y', '12'],
      ['list', '--showduplicates', 'kaizen'], // change: check it took
    ]);
    expect(await h.standins.argvOf('systemctl')).toEqual([
      ['is-active', 'kaizen.service'],
      ['status', 'kaizen.service', '--no-pager'],
    ]);
    expect(run.details).toContain('change: local: 0.8.0-1.el7 → 0.7.0-1.el7');
    for (const mem of [memory, memoryStore()]) {
      const again = await runSteps(strategy.steps(one, plan.target), one, plan, mem, { from: 'change' });
      expect(again.results[0]).toMatchObject({ id: 'change', skipped: true });
    }
    expect((await h.standins.argvOf('yum')).filter((a) => a[1] === 'undo')).toEqual([
      ['history', 'undo', '-y', '12'],
    ]);
  });

  it('downgrades host by host with sudo and reports a failure with output and where things stand', async () => {
    const plan = await strategy.resolve(two, request('0.7.0-1.el7'));
    await h.setState('db-2', 'yum.json', yumState('0.8.0-1.el7', { failChange: { exitCode: 1 } }));
    const run = await runSteps(strategy.steps(two, plan.target), two, plan);
    expect(run.failedStep).toBe('change');
    expect(await h.standins.argvOf('yum', 'db-1')).toContainEqual(['downgrade', '-y', 'kaizen-0.7.0-1.el7']);
    expect(await h.standins.argvOf('sudo', 'db-2')).toContainEqual([
      '-n',
      'yum',
      'downgrade',
      '-y',
      'kaizen-0.7.0-1.el7',
    ]);
    const error = run.error as PermanentError;
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe('Could not downgrade to kaizen 0.7.0-1.el7 on db-2 (exit code 1).');
    expect(error.details).toContain('error: kaizen-0.7.0-1.el7.x86_64: install failed');
    expect(error.hint).toMatch(/^Done: db-1\. Failed: db-2\./);
  });
});
