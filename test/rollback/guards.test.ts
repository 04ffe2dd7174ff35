import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { guardsSchema } from '../../src/config/service-schema.js';
import { silentLogger } from '../../src/observability/logger.js';
import { databaseCompatibilityStep } from '../../src/rollback/guards/database-compatibility-step.js';
import { GuardRefusedError } from '../../src/rollback/guards/guard-refused-error.js';
import type { StepContext } from '../../src/rollback/step.js';
import { LocalCommandRunner } from '../../src/targets/shell/local-command-runner.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { blocksText, jobIdOf, RollbackObserver, stepStates } from '../support/rollback-observer.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';

const runner = new LocalCommandRunner();
const node = (code: string) => [process.execPath, '-e', code];

function context(details: string[] = [], signal = new AbortController().signal): StepContext {
  return {
    signal,
    detail: async (text: string) => void details.push(text),
    summary: async () => undefined,
    log: silentLogger(),
    now: () => new Date(),
  } as unknown as StepContext;
}

describe('database compatibility guard step', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(req.url === '/compatible' ? 200 : 409);
      res.end(req.url === '/compatible' ? 'ok' : 'schema 42 needs code >= v0.8.0');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('passes when the command exits 0 or the URL answers the expected status', async () => {
    const byCommand = guardsSchema.parse({
      databaseCompatibility: { command: node('process.exit(0)') },
    }).databaseCompatibility!;
    expect(await databaseCompatibilityStep(byCommand, runner).run(context())).toMatchObject({
      summary: expect.stringContaining('compatible'),
    });
    const byUrl = guardsSchema.parse({
      databaseCompatibility: { url: `${url}/compatible` },
    }).databaseCompatibility!;
    expect(await databaseCompatibilityStep(byUrl, runner).run(context())).toMatchObject({
      summary: 'compatible (200)',
    });
  });

  it.each([
    [
      'a non-zero exit',
      { command: node('console.error("migration 42 is not reversible"); process.exit(3)') },
      'database_incompatible',
      /exited with 3/,
    ],
    ['a wrong status', { url: '' }, 'database_incompatible', /answered 409, expected 200/],
    ['no answer', { url: 'http://127.0.0.1:1/' }, 'database_check_unavailable', /did not answer/],
    [
      'a timeout',
      { command: node('setTimeout(() => {}, 10000)'), timeout: 1 },
      'database_check_timeout',
      /within 1 s/,
    ],
  ])('refuses on %s with the runbook advice', async (_name, raw, code, message) => {
    const guard = guardsSchema.parse({
      databaseCompatibility: 'url' in raw && raw.url === '' ? { url: `${url}/incompatible` } : raw,
    }).databaseCompatibility!;
    const details: string[] = [];
    const error = await databaseCompatibilityStep(guard, runner)
      .run(context(details))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuardRefusedError);
    expect((error as GuardRefusedError).code).toBe(code);
    expect((error as GuardRefusedError).message).toMatch(message);
    expect((error as GuardRefusedError).hint).toMatch(
      /do NOT proceed.*forward-only migration.*data-only rollback with forward-compatible code/,
    );
    expect(details.join('\n')).toMatch(/Database compatibility check/);
  });

  it('rejects a guard with neither a command nor a URL', () => {
    expect(guardsSchema.safeParse({ databaseCompatibility: { timeout: '5s' } }).success).toBe(false);
    expect(guardsSchema.safeParse({ databaseCompatibility: { command: [] } }).success).toBe(false);
  });
});

describe('a refusing guard, end to end', () => {
  let kube: FakeKube;
  let bot: TestBot;
  let observer: RollbackObserver;

  beforeEach(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 2 });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      services: {
        kaizen: {
          name: 'kaizen',
          channel: 'C0DEPLOYS',
          strategy: 'kubernetes',
          kubernetes: { namespace: 'default', deployment: 'kaizen', container: 'kaizen', image: 'kaizen' },
          guards: {
            databaseCompatibility: {
              command: node('console.log("schema v42 has dropped column users.nick"); process.exit(1)'),
              timeout: '10s',
            },
          },
        },
      },
    });
    observer = new RollbackObserver(bot.config.redisPrefix);
  });
  afterEach(async () => {
    observer.close();
    await bot.close();
    await kube.close();
  });

  it('shows the guard first and the prerequisites in the plan, then stops before changing anything', async () => {
    const { body } = await bot.slash('kaizen v0.7.0');
    const plan = blocksText(body);
    expect(plan).toMatch(/1\. Check database compatibility\n2\. Identify current and target versions/);
    expect(plan).toContain('Confirm the issue requires a rollback (not a forward fix)');
    expect(plan).toContain('Have monitoring dashboards ready');
    const jobId = jobIdOf(body.text);

    const final = await observer.waitFor(jobId, (s) => s.state === 'failed');
    expect(stepStates(final)).toEqual({
      'guard-database': 'failed',
      identify: 'skipped',
      precheck: 'skipped',
      rollback: 'skipped',
      monitor: 'skipped',
      verify: 'skipped',
    });
    expect(final.outcome?.error?.code).toBe('database_incompatible');
    expect(final.outcome?.error?.hint).toMatch(/forward-only migration/);
    expect(final.details.map((d) => d.text).join('\n')).toContain('schema v42 has dropped column users.nick');
    expect(final.prerequisites?.items.map((i) => i.text)).toContain(
      'Notify stakeholders of the planned rollback',
    );
    expect(kube.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    expect(kube.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image).toBe(
      'kaizen:v0.8.0',
    );

    const audit = await observer.auditOf(jobId);
    expect(audit.filter((e) => e.type === 'guard_refused').map((e) => e.detail)).toEqual([
      expect.stringMatching(/^guard-database: The database schema is incompatible/),
    ]);
    expect(audit.some((e) => e.type === 'step_started' && e.detail === 'rollback')).toBe(false);
    await bot.slack.waitFor(
      () => bot.slack.messages('C0DEPLOYS').some((m) => /forward-only migration/.test(blocksText(m))),
      5_000,
    );
  });
});
