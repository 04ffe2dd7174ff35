import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { helmSectionSchema } from '../../../../src/config/strategies/helm-schema.js';
import { InputError, PermanentError } from '../../../../src/errors/rollback-error.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { HelmStrategy } from '../../../../src/rollback/strategies/helm/helm-strategy.js';
import {
  createHarness,
  memoryStore,
  request,
  runSteps,
  service,
  type Harness,
} from '../host/strategy-harness.js';

const rev = (revision: number, status: string, app: string, description: string) => ({
  revision,
  updated: `2026-05-0${revision}T10:00:00Z`,
  status,
  chart: `kaizen-${app.slice(1)}`,
  app_version: app,
  description,
});
const HISTORY = [
  rev(1, 'superseded', 'v0.6.0', 'Install complete'),
  rev(2, 'superseded', 'v0.7.0', 'Upgrade complete'),
  rev(3, 'superseded', 'v0.7.1', 'Upgrade complete'),
  rev(4, 'failed', 'v0.8.0', 'Upgrade "kaizen" failed: context deadline exceeded'),
  rev(5, 'deployed', 'v0.8.1', 'Upgrade complete'),
];
const FLAGS = ['--namespace', 'prod', '--kube-context', 'prod-eu'];
const HISTORY_ARGV = ['history', 'kaizen', ...FLAGS, '-o', 'json'];
const ROLLBACK_3 = ['rollback', 'kaizen', '3', ...FLAGS, '--wait', '--timeout', '120s'];
const STATUS_ARGV = ['status', 'kaizen', ...FLAGS, '-o', 'json'];

let h: Harness;
let strategy: HelmStrategy;
const svc = service({
  strategy: 'helm',
  helm: { release: 'kaizen', namespace: 'prod', kubeContext: 'prod-eu', timeout: '2m' },
});

beforeEach(async () => {
  h = await createHarness();
  strategy = new HelmStrategy({ runnerFactory: h.runnerFactory, log: silentLogger() });
  await h.setState('local', 'helm.json', { releases: { 'prod/kaizen': HISTORY } });
});
afterEach(() => h.standins.cleanup());

describe('helm schema', () => {
  it('is strict, validates names and turns the timeout into seconds', () => {
    expect(helmSectionSchema.parse({ release: 'kaizen' })).toEqual({
      release: 'kaizen',
      namespace: 'default',
      timeout: 300,
    });
    expect(helmSectionSchema.safeParse({ release: 'kaizen', wait: true }).success).toBe(false);
    expect(helmSectionSchema.safeParse({ release: '--kaizen' }).success).toBe(false);
    expect(helmSectionSchema.safeParse({ release: 'kaizen', kubeContext: '-x' }).success).toBe(false);
  });
});

describe('HelmStrategy.listVersions', () => {
  it('lists revisions newest first with chart, app version and status', async () => {
    const versions = await strategy.listVersions(svc);
    expect(versions.map((v) => v.id)).toEqual([
      'revision:5',
      'revision:4',
      'revision:3',
      'revision:2',
      'revision:1',
    ]);
    expect(versions[0]).toMatchObject({
      current: true,
      description: expect.stringContaining('kaizen-0.8.1, app v0.8.1, deployed'),
    });
    expect(versions[1]?.description).toContain('failed');
    expect(versions[1]?.description).toContain('cannot roll back to it');
    expect(await h.standins.argvOf('helm')).toEqual([HISTORY_ARGV]);
  });
});

describe('HelmStrategy.resolve', () => {
  it('resolves "previous" to the last good revision, skipping the failed one helm would pick', async () => {
    const plan = await strategy.resolve(svc, request());
    expect(plan.target).toMatchObject({ revision: 3, fromRevision: 5, appVersion: 'v0.7.1' });
    expect(plan.from).toBe('revision 5 (kaizen-0.8.1, app v0.8.1, deployed)');
    expect(plan.to).toBe('revision 3 (kaizen-0.7.1, app v0.7.1, superseded)');
    expect(plan.actions.map((a) => a.description)).toEqual([
      'helm rollback kaizen 3 --namespace prod --kube-context prod-eu --wait --timeout 120s',
      'helm status kaizen --namespace prod --kube-context prod-eu -o json',
    ]);
    expect(await h.standins.argvOf('helm')).toEqual([HISTORY_ARGV]);
  });

  it.each([
    ['v0.7.0', 2],
    ['kaizen-0.6.0', 1],
    ['revision:2', 2],
    ['r1', 1],
  ])('resolves %s to revision %i', async (version, revision) => {
    expect((await strategy.resolve(svc, request(version))).target).toMatchObject({ revision });
  });

  it('takes toRevision', async () => {
    expect((await strategy.resolve(svc, request(undefined, { toRevision: 2 }))).target).toMatchObject({
      revision: 2,
    });
  });

  it.each([
    ['revision:9', 'unknown_revision'],
    ['v9.9.9', 'unknown_version'],
    ['revision:4', 'bad_revision'],
    ['revision:5', 'already_current'],
    ['v0.8.1', 'already_current'],
  ])('refuses %s with %s and lists the valid revisions', async (version, code) => {
    const error = await strategy.resolve(svc, request(version)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({
      code,
      hint: expect.stringContaining('revision:3 revision 3 (kaizen-0.7.1'),
    });
  });

  it.each(['v1.0; rm -rf /', '$(id)', 'v1\nrevision:2', '--help', '-1'])(
    'refuses hostile input %j without passing it to helm',
    async (version) => {
      await expect(strategy.resolve(svc, request(version))).rejects.toBeInstanceOf(InputError);
      expect(await h.standins.argvOf('helm')).toEqual([HISTORY_ARGV]);
    },
  );
});

describe('HelmStrategy steps', { timeout: 120_000 }, () => {
  it('rolls back to the resolved revision and verifies it is deployed', async () => {
    const plan = await strategy.resolve(svc, request());
    const steps = strategy.steps(svc, plan.target);
    expect(steps.map((s) => s.id)).toEqual(['identify', 'precheck', 'rollback', 'verify']);
    const run = await runSteps(steps, svc, plan);
    expect(run.error).toBeUndefined();
    expect(await h.standins.argvOf('helm')).toEqual([
      HISTORY_ARGV, // resolve
      HISTORY_ARGV, // identify
      HISTORY_ARGV, // precheck
      HISTORY_ARGV, // rollback: state before
      ROLLBACK_3,
      HISTORY_ARGV, // rollback: the new revision
      STATUS_ARGV,
    ]);
    expect(run.results.find((r) => r.id === 'rollback')?.summary).toBe(
      'rolled back to revision 3 (now revision 6)',
    );
    expect(run.results.find((r) => r.id === 'verify')?.summary).toBe('deployed at revision 6');
    expect(run.details).toContain(
      'identify: Current: revision 5 (kaizen-0.8.1, app v0.8.1, deployed). Target: revision 3 (kaizen-0.7.1, app v0.7.1, superseded).',
    );
  });

  it('a resumed job does not roll back twice, with or without its memory', async () => {
    const plan = await strategy.resolve(svc, request());
    const memory = memoryStore();
    await runSteps(strategy.steps(svc, plan.target), svc, plan, memory);
    for (const mem of [memory, memoryStore()]) {
      const again = await runSteps(strategy.steps(svc, plan.target), svc, plan, mem, { from: 'precheck' });
      expect(again.error).toBeUndefined();
      expect(again.results.find((r) => r.id === 'rollback')).toMatchObject({
        skipped: true,
        summary: 'already at revision 6 (rollback to 3)',
      });
    }
    expect((await h.standins.argvOf('helm')).filter((argv) => argv[0] === 'rollback')).toEqual([ROLLBACK_3]);
  });

  it('reports a failed helm rollback with its exit code, output and what to do', async () => {
    const plan = await strategy.resolve(svc, request());
    await h.setState('local', 'helm.json', {
      releases: { 'prod/kaizen': HISTORY },
      failRollback: { exitCode: 1, stderr: 'Error: release kaizen failed: context deadline exceeded' },
    });
    const run = await runSteps(strategy.steps(svc, plan.target), svc, plan);
    expect(run.failedStep).toBe('rollback');
    expect(run.error).toBeInstanceOf(PermanentError);
    expect(run.error).toMatchObject({
      code: 'helm_rollback_failed',
      details: [
        'local$ helm rollback kaizen 3 --namespace prod --kube-context prod-eu --wait --timeout 120s',
        'exit code 1',
        'Error: release kaizen failed: context deadline exceeded',
      ],
      hint: expect.stringContaining('helm history kaizen -n prod'),
    });
  });

  it('precheck refuses while another helm operation is pending, and when the release moved on', async () => {
    const plan = await strategy.resolve(svc, request());
    await h.setState('local', 'helm.json', {
      releases: { 'prod/kaizen': [...HISTORY, rev(6, 'pending-upgrade', 'v0.9.0', 'Preparing upgrade')] },
    });
    const pending = await runSteps(strategy.steps(svc, plan.target), svc, plan);
    expect(pending).toMatchObject({ failedStep: 'precheck', error: { code: 'helm_operation_pending' } });
    await h.setState('local', 'helm.json', {
      releases: { 'prod/kaizen': [...HISTORY, rev(6, 'deployed', 'v0.9.0', 'Upgrade complete')] },
    });
    const moved = await runSteps(strategy.steps(svc, plan.target), svc, plan);
    expect(moved).toMatchObject({ failedStep: 'precheck', error: { code: 'helm_release_changed' } });
    expect((await h.standins.argvOf('helm')).some((argv) => argv[0] === 'rollback')).toBe(false);
  });

  it('verify fails when the release is not deployed', async () => {
    const plan = await strategy.resolve(svc, request());
    const memory = memoryStore();
    await runSteps(strategy.steps(svc, plan.target), svc, plan, memory);
    await h.setState('local', 'helm.json', {
      releases: { 'prod/kaizen': [...HISTORY, rev(6, 'failed', 'v0.7.1', 'Rollback to 3')] },
    });
    const run = await runSteps(strategy.steps(svc, plan.target), svc, plan, memory, { from: 'verify' });
    expect(run.error).toMatchObject({
      code: 'helm_not_deployed',
      message: 'Helm release kaizen is failed at revision 6.',
    });
  });

  it('refuses a stored target that is not valid', () => {
    expect(() => strategy.steps(svc, { revision: 'x' })).toThrow(PermanentError);
  });
});
