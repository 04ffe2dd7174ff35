import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors/rollback-error.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { HelmStrategy } from '../../../../src/rollback/strategies/helm/helm-strategy.js';
import { createHarness, request, runSteps, service, type Harness } from '../host/strategy-harness.js';

const rev = (revision: number, status: string, app: string, description: string) => ({
  revision,
  updated: `2026-05-0${revision}T10:00:00Z`,
  status,
  chart: `kaizen-${app.slice(1)}`,
  app_version: app,
  description,
});

let h: Harness;
let strategy: HelmStrategy;
const svc = service({ strategy: 'helm', helm: { release: 'kaizen', namespace: 'prod' } });

beforeEach(async () => {
  h = await createHarness();
  strategy = new HelmStrategy({ runnerFactory: h.runnerFactory, log: silentLogger() });
});
afterEach(() => h.standins.cleanup());

async function refusal(): Promise<InputError> {
  const error = await strategy.resolve(svc, request()).catch((e: unknown) => e);
  if (!(error instanceof InputError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

describe('a Helm release stuck in pending-*, checked when the rollback is asked for', () => {
  it('refuses pending-upgrade with the documented recovery to the last good revision; helm is only read', async () => {
    await h.setState('local', 'helm.json', {
      releases: {
        'prod/kaizen': [
          rev(1, 'superseded', 'v0.7.0', 'Install complete'),
          rev(2, 'deployed', 'v0.8.0', 'Upgrade complete'),
          rev(3, 'pending-upgrade', 'v0.9.0', 'Preparing upgrade'),
        ],
      },
    });
    const error = await refusal();
    expect(error.code).toBe('helm_operation_pending');
    expect(error.message).toBe(
      'Helm release kaizen is in pending-upgrade (revision 3, since 2026-05-03T10:00:00Z: Preparing upgrade). ' +
        'Either a helm operation is running right now or one was interrupted and left it stuck. Nothing was changed.',
    );
    expect(error.hint).toBe(
      'First make sure nobody is running helm on it (helm history kaizen -n prod). If it is stuck, the documented ' +
        'recovery is to roll back to the last good revision, revision 2 (kaizen-0.8.0, app v0.8.0, deployed): helm rollback kaizen 2 -n prod; ' +
        'the bot runs it, with the approvals of a rollback, on /rollback kaizen --recover.',
    );
    expect((await h.standins.argvOf('helm')).map((argv) => argv[0])).toEqual(['history']);
  });

  it('refuses pending-install with uninstall as the only recovery', async () => {
    await h.setState('local', 'helm.json', {
      releases: { 'prod/kaizen': [rev(1, 'pending-install', 'v0.7.0', 'Initial install underway')] },
    });
    const error = await refusal();
    expect(error.hint).toContain(
      'there is no good revision to go back to: the documented recovery is helm uninstall kaizen -n prod and a fresh install.',
    );
  });
});

describe('--recover: the documented recovery as an approved action', { timeout: 120_000 }, () => {
  const stuck = {
    releases: {
      'prod/kaizen': [
        rev(1, 'superseded', 'v0.7.0', 'Install complete'),
        rev(2, 'deployed', 'v0.8.0', 'Upgrade complete'),
        rev(3, 'pending-upgrade', 'v0.9.0', 'Preparing upgrade'),
      ],
    },
  };

  it('the refusal names the command; --recover plans helm rollback to the last good revision and runs it', async () => {
    await h.setState('local', 'helm.json', stuck);
    expect((await refusal()).next).toEqual([{ command: 'rollback', args: ['kaizen', '--recover'] }]);
    const plan = await strategy.resolve(svc, request(undefined, { recover: true }));
    expect(plan.from).toBe('revision 3 (kaizen-0.9.0, app v0.9.0, pending-upgrade)');
    expect(plan.to).toBe('revision 2 (kaizen-0.8.0, app v0.8.0, deployed)');
    expect(plan.actions[0]?.description).toBe(
      'helm rollback kaizen 2 --namespace prod --wait --timeout 300s',
    );
    expect(plan.warnings?.[0]).toMatch(
      /^RECOVERY: Helm release kaizen is stuck in pending-upgrade \(revision 3/,
    );

    const run = await runSteps(strategy.steps(svc, plan.target), svc, plan);
    expect(run.error).toBeUndefined();
    expect(run.details).toContain(
      'precheck: Recovery: revision 3 is still pending-upgrade, as planned; rolling back from it.',
    );
    const history = (await strategy.listVersions(svc)).map((v) => v.description);
    expect(history[0]).toMatch(/^revision 4 \(kaizen-0\.8\.0, app v0\.8\.0, deployed\)/);
    expect(history[1]).toMatch(/^revision 3 \(kaizen-0\.9\.0, app v0\.9\.0, superseded\)/);
  });

  it('refuses --recover when nothing is stuck, and pending-install (an uninstall is left to people)', async () => {
    await h.setState('local', 'helm.json', {
      releases: {
        'prod/kaizen': [rev(1, 'superseded', 'v0.7.0', 'Install'), rev(2, 'deployed', 'v0.8.0', 'Up')],
      },
    });
    await expect(strategy.resolve(svc, request(undefined, { recover: true }))).rejects.toMatchObject({
      code: 'helm_not_pending',
    });
    await h.setState('local', 'helm.json', {
      releases: { 'prod/kaizen': [rev(1, 'pending-install', 'v0.7.0', 'Initial install underway')] },
    });
    await expect(strategy.resolve(svc, request(undefined, { recover: true }))).rejects.toMatchObject({
      code: 'helm_operation_pending',
    });
    expect((await h.standins.argvOf('helm')).every((argv) => argv[0] === 'history')).toBe(true);
  });
});
