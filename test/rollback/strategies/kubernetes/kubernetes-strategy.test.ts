import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CancelledError,
  PermanentError,
  RetryableError,
  RollbackError,
} from '../../../../src/errors/rollback-error.js';
import { startFakeKube, type FakeKube } from '../../../support/fake-kube/index.js';
import {
  kaizenService,
  plan,
  rollbackRequest,
  settled,
  strategyFor,
  type PlannedRun,
} from './strategy-harness.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

async function kaizen(
  options: { progressDeadlineSeconds?: number; replicas?: number } = {},
  readyDelayMs = 10,
): Promise<FakeKube> {
  const fake = await startFakeKube({ readyDelayMs });
  open.push(fake);
  await fake.createDeployment({
    name: 'kaizen',
    container: 'kaizen',
    image: 'kaizen:v0.7.0',
    replicas: options.replicas ?? 3,
    ...options,
  });
  await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
  return fake;
}

/** v0.6.0 never ran in the Deployment: it is offered in `tags:`. */
const withV060 = kaizenService({ kubernetes: { tags: ['v0.6.0'] } });

async function healthServer(status: number): Promise<string> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: status === 200 ? 'ok' : 'down' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
}

async function runAll(
  run: PlannedRun,
  memory = new Map<string, unknown>(),
): Promise<ReturnType<PlannedRun['context']>> {
  const context = run.context(memory);
  for (const step of run.steps) await step.run(context.ctx);
  return context;
}

const patches = (fake: FakeKube): number => fake.requests.filter((r) => r.method === 'PATCH').length;

async function failure(promise: Promise<unknown>): Promise<RollbackError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RollbackError)) throw new Error(`expected a RollbackError, got ${String(error)}`);
  return error;
}

describe('KubernetesStrategy against a fake cluster', () => {
  it('runs the whole runbook for "previous": identify, precheck with backup, rollback, monitor, verify', async () => {
    const fake = await kaizen();
    const healthUrl = await healthServer(200);
    const service = kaizenService({
      verify: {
        healthUrl,
        logErrorPattern: 'ERROR|FATAL',
        smoke: { command: [process.execPath, '-e', 'console.log("smoke ok")'] },
      },
    });
    fake.setPodLogs('kaizen:v0.7.0', ['INFO started', 'INFO ready']);
    const run = await plan(strategyFor(fake), service, rollbackRequest());
    expect(run.steps.map((s) => s.id)).toEqual(['identify', 'precheck', 'rollback', 'monitor', 'verify']);
    const { details, summaries, memory } = await runAll(run);

    expect(fake.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image).toBe(
      'kaizen:v0.7.0',
    );
    expect(summaries).toContain('v0.8.0 (revision 2) → v0.7.0 (revision 1)');
    expect(summaries).toContain('rolled back to revision 1');
    expect(summaries).toContain('3/3 updated, 3 available');
    expect(summaries.at(-1)).toBe('3/3 pods ready, health 200, no error logs, smoke passed');
    expect(details).toContain('deployment "kaizen" successfully rolled out');
    expect(
      details.some(
        (d) => d.startsWith('Backed up deployment/kaizen') && d.includes('backup/deployment.yaml'),
      ),
    ).toBe(true);
    const backup = parse(memory.get('backup/deployment.yaml') as string) as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(backup.spec.template.spec.containers[0]?.image).toBe('kaizen:v0.8.0');
    expect(details.some((d) => d.includes('smoke ok'))).toBe(true);
  });

  it('never undoes twice: a retried or resumed rollback step sees the target and skips', async () => {
    const fake = await kaizen();
    const run = await plan(strategyFor(fake), kaizenService(), rollbackRequest());
    const memory = new Map<string, unknown>();
    await run.step('rollback').run(run.context(memory).ctx);
    await settled(fake);
    const after = patches(fake);
    // The same job resumed after a crash (same memory), and after a crash before memory was written.
    for (const m of [memory, new Map<string, unknown>()]) {
      const context = run.context(m);
      await expect(run.step('rollback').run(context.ctx)).resolves.toEqual({
        skipped: true,
        summary: 'already at target',
      });
    }
    expect(patches(fake)).toBe(after);
    // "previous" was resolved to revision 1 when planned; a fresh "previous" would now be revision 2.
    expect(fake.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image).toBe(
      'kaizen:v0.7.0',
    );
  });

  it('refuses to apply again when the Deployment changed after the bot applied the rollback', async () => {
    const fake = await kaizen();
    const run = await plan(strategyFor(fake), kaizenService(), rollbackRequest());
    const memory = new Map<string, unknown>();
    await run.step('rollback').run(run.context(memory).ctx);
    await settled(fake);
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.9.0');
    const error = await failure(run.step('rollback').run(run.context(memory).ctx));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('deployment_changed');
  });

  it('rolls back to an image version and reports the rollout', async () => {
    // Pods take 300 ms to be ready, so the monitor sees the rollout under way even on a loaded machine.
    const fake = await kaizen({}, 300);
    const service = kaizenService({ kubernetes: { tags: ['v0.8.0', 'v0.7.0', 'v0.6.0'] } });
    const run = await plan(strategyFor(fake), service, rollbackRequest({ version: 'v0.6.0' }));
    const { summaries, details } = await runAll(run);
    expect(fake.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image).toBe(
      'kaizen:v0.6.0',
    );
    expect(summaries).toContain('image set to kaizen:v0.6.0');
    expect(details.some((d) => d.startsWith('Waiting for deployment "kaizen" rollout to finish'))).toBe(true);
  });

  it('surfaces a 409 on the PATCH as retryable, and the retried step then applies it', async () => {
    const fake = await kaizen();
    const run = await plan(strategyFor(fake), kaizenService(), rollbackRequest());
    fake.injectFault({ method: 'PATCH', path: /deployments\/kaizen$/, status: 409 });
    const error = await failure(run.step('rollback').run(run.context().ctx));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe('kubernetes_conflict');
    await expect(run.step('rollback').run(run.context().ctx)).resolves.toEqual({
      summary: 'rolled back to revision 1',
    });
  });

  it('fails the monitor with the runbook advice and the events when the progress deadline passes', async () => {
    const fake = await kaizen({ progressDeadlineSeconds: 1, replicas: 2 });
    fake.markImageBroken('kaizen:v0.6.0');
    const run = await plan(strategyFor(fake), withV060, rollbackRequest({ version: 'v0.6.0' }));
    const context = run.context();
    await run.step('rollback').run(context.ctx);
    const error = await failure(run.step('monitor').run(context.ctx));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('rollout_failed');
    expect(error.message).toMatch(/^deployment "kaizen" exceeded its progress deadline/);
    expect(error.hint).toContain('kubectl rollout restart deployment/kaizen -n default --context fake');
    expect(error.hint).toContain('ConfigMaps/Secrets');
    expect(error.details.length).toBeGreaterThan(0);
    expect(error.details.join('\n')).toMatch(/ScalingReplicaSet|ProgressDeadlineExceeded|BackOff/);
  });

  it('times out after the service rolloutTimeout', async () => {
    const fake = await kaizen({ replicas: 2 });
    fake.markImageBroken('kaizen:v0.6.0');
    const run = await plan(
      strategyFor(fake),
      kaizenService({ kubernetes: { rolloutTimeout: '1s', tags: ['v0.6.0'] } }),
      rollbackRequest({ version: 'v0.6.0' }),
    );
    const context = run.context();
    await run.step('rollback').run(context.ctx);
    const error = await failure(run.step('monitor').run(context.ctx));
    expect(error.code).toBe('rollout_timeout');
    expect(error.message).toMatch(
      /^deployment "kaizen" did not finish rolling out within 1s: Waiting for deployment "kaizen" rollout to finish/,
    );
  });

  it('stops monitoring when the job is cancelled', async () => {
    const fake = await kaizen({ replicas: 2 });
    fake.markImageBroken('kaizen:v0.6.0');
    const run = await plan(strategyFor(fake), withV060, rollbackRequest({ version: 'v0.6.0' }));
    await run.step('rollback').run(run.context().ctx);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const error = await failure(run.step('monitor').run(run.context(undefined, controller.signal).ctx));
    expect(error).toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails verification on error logs, a bad health answer and a failing smoke test, posting what it saw', async () => {
    const fake = await kaizen({ replicas: 2 });
    fake.setPodLogs('kaizen:v0.7.0', ['INFO started', 'ERROR database unreachable', 'INFO retrying']);
    const healthUrl = await healthServer(503);
    const service = kaizenService({
      verify: {
        healthUrl,
        logErrorPattern: 'ERROR',
        smoke: { command: [process.execPath, '-e', 'console.log("checkout broken"); process.exit(3)'] },
      },
    });
    const run = await plan(strategyFor(fake), service, rollbackRequest());
    const context = run.context();
    for (const id of ['rollback', 'monitor']) await run.step(id).run(context.ctx);
    const error = await failure(run.step('verify').run(context.ctx));
    expect(error.code).toBe('verification_failed');
    expect(error.message).toContain('2 log lines match ERROR');
    expect(error.message).toContain('Health');
    expect(error.message).toContain('failed (exit 3)');
    expect(
      error.details.filter((d) => /^kaizen-[a-z0-9]+-[a-z0-9]+: ERROR database unreachable$/.test(d)),
    ).toHaveLength(2);
    expect(context.details.some((d) => d.includes('checkout broken'))).toBe(true);
    expect(context.summaries.at(-1)).toBe('2/2 pods ready, health 503, 2 error log lines, smoke failed');
  });

  it('lists revisions and tags, the current one marked', async () => {
    const fake = await kaizen();
    const versions = await strategyFor(fake).listVersions(
      kaizenService({ kubernetes: { tags: ['v0.8.0', 'v0.7.0'] } }),
    );
    expect(versions.map((v) => [v.id, v.current === true])).toEqual([
      ['revision:2', true],
      ['revision:1', false],
      ['v0.8.0', true],
      ['v0.7.0', false],
    ]);
    expect(versions[1]?.description).toMatch(
      /^revision 1: kaizen:v0.7.0, ReplicaSet kaizen-[a-z0-9]+, created /,
    );
  });
});
