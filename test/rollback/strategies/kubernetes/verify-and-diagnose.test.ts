import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, RollbackError } from '../../../../src/errors/rollback-error.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { KubernetesStrategy } from '../../../../src/rollback/strategies/kubernetes/kubernetes-strategy.js';
import { createKubernetesClusterFactory } from '../../../../src/targets/kubernetes/create-kubernetes-cluster-factory.js';
import { createMonitoringChecks } from '../../../../src/targets/monitoring/create-monitoring-checks.js';
import { LocalCommandRunner } from '../../../../src/targets/shell/local-command-runner.js';
import { startFakeKube, type FakeKube } from '../../../support/fake-kube/index.js';
import {
  startFakeAlertmanager,
  type FakeAlertmanager,
} from '../../../support/fake-monitoring/fake-alertmanager.js';
import {
  startFakePrometheus,
  type FakePrometheus,
} from '../../../support/fake-monitoring/fake-prometheus.js';
import { kaizenService, plan, rollbackRequest, settled } from './strategy-harness.js';

let alertmanager: FakeAlertmanager;
let prometheus: FakePrometheus;
const open: FakeKube[] = [];

beforeAll(async () => {
  [alertmanager, prometheus] = await Promise.all([startFakeAlertmanager(), startFakePrometheus()]);
});
afterAll(async () => {
  await Promise.all([alertmanager?.close(), prometheus?.close()]);
});
afterEach(async () => {
  for (const fake of open.splice(0)) await fake.close();
});

async function kaizen(options: { progressDeadlineSeconds?: number } = {}): Promise<FakeKube> {
  const fake = await startFakeKube({ readyDelayMs: 10 });
  open.push(fake);
  await fake.createDeployment({
    name: 'kaizen',
    container: 'kaizen',
    image: 'kaizen:v0.7.0',
    replicas: 2,
    ...options,
  });
  await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
  await settled(fake);
  return fake;
}

function strategy(fake: FakeKube): KubernetesStrategy {
  return new KubernetesStrategy({
    clusterFactory: createKubernetesClusterFactory({
      kubeconfigPath: fake.kubeconfigPath,
      log: silentLogger(),
      retry: { attempts: 2, baseDelayMs: 5 },
    }),
    commandRunner: new LocalCommandRunner(),
    log: silentLogger(),
    pollIntervalMs: 100,
    monitoring: createMonitoringChecks({
      log: silentLogger(),
      timeoutMs: 500,
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    }),
  });
}

const ERROR_RATE = 'sum(rate(http_requests_total{app="kaizen",code=~"5.."}[5m]))';

function withChecks(extra: Record<string, unknown> = {}) {
  return kaizenService({
    kubernetes: { tags: ['v0.6.0'], ...extra },
    verify: {
      alerts: { alertmanagerUrl: alertmanager.url, matchers: ['service="kaizen"'] },
      metrics: [
        { name: 'error-rate', prometheusUrl: prometheus.url, query: ERROR_RATE, op: '<', value: 0.05 },
      ],
    },
  });
}

async function failure(pending: Promise<unknown>): Promise<RollbackError> {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RollbackError);
  return error as RollbackError;
}

describe('verification watches what users watch, and a failed rollout is diagnosed', () => {
  it('passes the alert and metric checks, each reported in the summary and the thread', async () => {
    const fake = await kaizen();
    alertmanager.setAlerts([{ labels: { alertname: 'DiskFull', service: 'billing' } }]);
    prometheus.setAnswer(ERROR_RATE, { vector: [{ metric: {}, value: 0.01 }] });
    const run = await plan(strategy(fake), withChecks(), rollbackRequest({ version: 'v0.7.0' }));
    const context = run.context();
    for (const id of ['rollback', 'monitor']) await run.step(id).run(context.ctx);
    await run.step('verify').run(context.ctx);
    expect(context.summaries.at(-1)).toBe('2/2 pods ready, no alerts firing, error-rate ok');
    expect(context.details).toContain('No alerts firing for service="kaizen"');
  });

  it('fails verification on a firing alert and a metric over its threshold', async () => {
    const fake = await kaizen();
    alertmanager.setAlerts([{ labels: { alertname: 'HighErrorRate', service: 'kaizen', severity: 'page' } }]);
    prometheus.setAnswer(ERROR_RATE, { vector: [{ metric: {}, value: 0.2 }] });
    const run = await plan(strategy(fake), withChecks(), rollbackRequest({ version: 'v0.7.0' }));
    const context = run.context();
    for (const id of ['rollback', 'monitor']) await run.step(id).run(context.ctx);
    const error = await failure(run.step('verify').run(context.ctx));
    expect(error.code).toBe('verification_failed');
    expect(error.message).toContain('1 alert firing for service="kaizen": HighErrorRate');
    expect(error.message).toMatch(/error-rate/);
  });

  it('says when Alertmanager cannot be asked, without failing verification for it', async () => {
    const fake = await kaizen();
    const service = kaizenService({
      verify: { alerts: { alertmanagerUrl: 'http://127.0.0.1:9/', matchers: ['service="kaizen"'] } },
    });
    const run = await plan(strategy(fake), service, rollbackRequest({ version: 'v0.7.0' }));
    const context = run.context();
    for (const id of ['rollback', 'monitor', 'verify']) await run.step(id).run(context.ctx);
    expect(context.summaries.at(-1)).toBe('2/2 pods ready, alerts not checked');
    expect(context.details.some((d) => d.startsWith('alerts: not checked: '))).toBe(true);
  });

  it('posts one diagnosis message when the rollout fails: events, failing pods, states, log lines', async () => {
    const fake = await kaizen({ progressDeadlineSeconds: 1 });
    fake.markImageBroken('kaizen:v0.6.0');
    fake.setPodLogs('kaizen:v0.6.0', ['starting kaizen v0.6.0', 'FATAL config key missing: DB_URL']);
    const run = await plan(strategy(fake), withChecks(), rollbackRequest({ version: 'v0.6.0' }));
    const context = run.context();
    await run.step('rollback').run(context.ctx);
    const error = await failure(run.step('monitor').run(context.ctx));
    expect(error.code).toBe('rollout_failed');
    const diagnoses = context.details.filter((d) => d.startsWith('Diagnosis: '));
    expect(diagnoses).toHaveLength(1);
    const text = diagnoses[0] as string;
    expect(text).toMatch(/^Diagnosis: Rollout of deployment\/kaizen to kaizen:v0\.6\.0 failed: /);
    expect(text).toContain('Events of deployment/kaizen');
    expect(text).toMatch(/kaizen: (waiting|terminated) \(/);
    expect(text).toContain('FATAL config key missing: DB_URL');
    expect(text).toContain('What to do: ');
    expect(text).toContain('kubectl rollout restart deployment/kaizen');
  });

  it('a resumed job finds the Deployment changed by someone else and refuses to verify it', async () => {
    const fake = await kaizen();
    const run = await plan(strategy(fake), withChecks(), rollbackRequest({ version: 'v0.7.0' }));
    const memory = new Map<string, unknown>();
    await run.step('rollback').run(run.context(memory).ctx);
    // The worker dies; meanwhile a pipeline deploys again. The job resumes at the verify step.
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.9.0');
    await settled(fake);
    const error = await failure(run.step('verify').run(run.context(memory).ctx));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('deployment_changed');
    expect(error.message).toBe(
      "deployment/kaizen is no longer at the rollback's target (image kaizen:v0.7.0 for container kaizen): it now runs kaizen:v0.9.0. Someone changed it since the rollback was applied; nothing was verified.",
    );
  });
});
