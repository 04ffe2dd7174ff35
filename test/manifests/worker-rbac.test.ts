/**
 * Least privilege, checked: the Roles in manifests/ against the requests the bot really makes.
 *
 * A web process and a worker process (each with a service account of its own on the fake API server) run
 * the Kubernetes strategy end to end through Slack: an image rollback, a native undo, --to-revision, a
 * rollout that fails (events and pod logs read for the diagnosis), `versions` and a dry run. The web
 * process plans on the worker (PLAN_ON_WORKERS, as the manifests set it), so it must make no request at
 * all. Every request is recorded in RBAC terms; then the worker's Role (base/target-namespace/worker-role.yaml)
 * must allow each worker request and grant nothing no request used.
 *
 * When the bot starts making another request (Secrets or ConfigMaps for config drift or registry
 * credentials, events and pod logs for evidence, Argo CD Applications or Flux Kustomizations for GitOps),
 * this test fails with "missing rule for ..." and the rule to add. Add it to the Role, and add the request's
 * scenario below if it needs one (a new service field, a new command), so the rule stays checked.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { describeRbac } from '../support/fake-kube/rbac-attributes.js';
import { ofKind, renderOverlay, type Manifest } from '../support/kustomize.js';
import { testPrefix } from '../support/redis-test-prefix.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { compareRole } from './rbac-rules.js';

const CHANNEL = 'C0DEPLOYS';
const WORKER_ROLE_FILE = 'manifests/base/target-namespace/worker-role.yaml';

function finished(bot: TestBot): number {
  return bot.slack.messages(CHANNEL).filter((m) => /Rolled back kaizen|failed/i.test(m.text)).length;
}

describe('RBAC: the manifests grant exactly what the bot uses', () => {
  let kube: FakeKube;
  let web: TestBot;
  let worker: TestBot;
  let health: Server;

  beforeAll(async () => {
    health = createServer((_req, res) => res.end('{"status":"ok"}'));
    await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
    kube = await startFakeKube({ readyDelayMs: 20 });
    // The template references a ConfigMap and a Secret: plans and verification read them (config drift).
    kube.createConfigMap({ name: 'kaizen-config', data: { LOG_LEVEL: 'info' } });
    kube.createSecret({ name: 'kaizen-db', data: { password: 'rbac-test-password' } });
    await kube.createDeployment({
      name: 'kaizen',
      container: 'kaizen',
      image: 'kaizen:v0.6.0',
      replicas: 2,
      progressDeadlineSeconds: 2,
      podSpec: { volumes: [{ name: 'config', configMap: { name: 'kaizen-config' } }] },
      containerSpec: {
        env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'kaizen-db', key: 'password' } } }],
      },
    });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.7.0');
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    const service = {
      name: 'kaizen',
      channel: 'C0INCIDENT',
      // The test posts from C0DEPLOYS; without a permissions section only the service's own channel may ask.
      permissions: { channels: ['C0DEPLOYS', 'C0INCIDENT'] },
      strategy: 'kubernetes',
      kubernetes: { namespace: 'default', deployment: 'kaizen', container: 'kaizen', image: 'kaizen' },
      verify: {
        healthUrl: `http://127.0.0.1:${(health.address() as AddressInfo).port}/health`,
        logErrorPattern: '\\bFATAL\\b',
      },
    };
    const prefix = testPrefix('rbac');
    // The web process has credentials of its own, so a request it made would show; it should make none.
    web = await startTestBot({
      role: 'web',
      prefix,
      services: { kaizen: service },
      kubeconfigPath: await kube.kubeconfigFor('web'),
      config: { sites: { planOnWorkers: 'all' } },
    });
    worker = await startTestBot({
      role: 'worker',
      prefix,
      slack: false,
      services: { kaizen: service },
      kubeconfigPath: await kube.kubeconfigFor('worker'),
    });

    // The scenarios: each rollback ends before the next starts (one rollback per service at a time).
    const run = async (text: string, done: number) => {
      const { body } = await web.slash(text);
      expect(body.text).toMatch(/job kaizen-/);
      await web.slack.waitFor(() => finished(web) >= done, 30_000);
    };
    await run('kaizen v0.7.0', 1); // image rollback
    await run('kaizen', 2); // native undo to the last known good revision
    // `kaizen` went to the last known good, v0.6.0: revision 1 is now revision 5, and v0.7.0 is revision 4.
    await run('kaizen --to-revision 4', 3);
    kube.markImageBroken('kaizen:v0.8.0');
    await run('kaizen v0.8.0', 4); // the rollout exceeds its deadline: events and pod logs are read
    expect(web.slack.messages(CHANNEL).at(-1)?.text).toMatch(/failed/i);
    expect((await web.slash('versions kaizen')).body.text).toBeDefined();
    expect((await web.slash('kaizen v0.7.0 --dry-run')).body.text).toBeDefined();
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await web?.close();
    await kube?.close();
    await new Promise((resolve) => health?.close(resolve));
  });

  const requestsOf = (user: string) => kube.requests.filter((r) => r.user === user).map((r) => r.rbac);

  it('every request came from one of the two service accounts', () => {
    expect(kube.requests.filter((r) => r.user !== 'web' && r.user !== 'worker').map((r) => r.path)).toEqual(
      [],
    );
  });

  it("the worker's Role allows every request a worker made and grants nothing else", async () => {
    const worker = requestsOf('worker');
    // Sanity: the scenarios reached the calls the Role is about.
    expect(worker.map(describeRbac)).toEqual(
      expect.arrayContaining([
        'patch deployments.apps in default',
        'get pods/log in default',
        'get configmaps in default',
        'get secrets in default',
      ]),
    );
    for (const overlay of ['overlays/web-and-workers/worker', 'overlays/all-in-one']) {
      const roles = ofKind(await renderOverlay(overlay), 'Role').filter(
        (r) => r.metadata.name === 'rollback-bot-worker',
      );
      expect(roles.length, overlay).toBeGreaterThan(0);
      const problems = compareRole(roles, worker, WORKER_ROLE_FILE);
      expect(problems, `${overlay}:\n${problems.join('\n')}`).toEqual([]);
    }
  });

  it('the web role, planning on the worker, makes no request to the cluster', () => {
    expect(requestsOf('web').map(describeRbac)).toEqual([]);
    // Sanity: `versions` and the dry run were answered, by the worker's reads.
    expect(requestsOf('worker').map(describeRbac)).toContain('list replicasets.apps in default');
  });

  it.each(['overlays/web-and-workers', 'overlays/all-in-one'])(
    '%s: the web pods have no cluster rights and no API token',
    async (overlay) => {
      const rendered = await renderOverlay(overlay);
      for (const kind of ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']) {
        const names = ofKind(rendered, kind).map((m) => m.metadata.name);
        expect(
          names.filter((name) => !name.startsWith('rollback-bot-worker')),
          kind,
        ).toEqual([]);
      }
      const bindings = ofKind(rendered, 'RoleBinding') as (Manifest & { subjects: { name: string }[] })[];
      expect(bindings.flatMap((b) => b.subjects.map((s) => s.name))).not.toContain('rollback-bot-web');
      expectNoWebToken(rendered);
    },
  );
});

/** The web pods get no service account token: with it they could read whatever the cluster lets anyone. */
function expectNoWebToken(rendered: Manifest[]): void {
  const account = ofKind(rendered, 'ServiceAccount').find((m) => m.metadata.name === 'rollback-bot-web');
  expect(account?.['automountServiceAccountToken']).toBe(false);
  const web = ofKind(rendered, 'Deployment').find(
    (m) => m.metadata.name === 'rollback-bot-web',
  ) as Manifest & {
    spec: { template: { spec: { automountServiceAccountToken?: boolean } } };
  };
  expect(web.spec.template.spec.automountServiceAccountToken).toBe(false);
}
