import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { describeServiceState } from '../../../src/commands/describe-service-state.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { GitopsMirror } from '../../../src/rollback/gitops/git/gitops-mirror.js';
import { GitopsKeeper } from '../../../src/rollback/gitops/gitops-keeper.js';
import type { KubernetesClusterFactory } from '../../../src/rollback/ports/kubernetes-cluster.js';
import { KubernetesStrategy } from '../../../src/rollback/strategies/kubernetes/kubernetes-strategy.js';
import { RedisGitopsHolds } from '../../../src/stores/redis-gitops-holds.js';
import { RedisKeys } from '../../../src/stores/redis-keys.js';
import { GithubPullRequests } from '../../../src/targets/git-host/github-pull-requests.js';
import { createKubernetesClusterFactory } from '../../../src/targets/kubernetes/create-kubernetes-cluster-factory.js';
import { LocalCommandRunner } from '../../../src/targets/shell/local-command-runner.js';
import { startFakeGitopsController } from '../../support/fake-kube/fake-gitops-controller.js';
import { startFakeKube, type FakeKube } from '../../support/fake-kube/index.js';
import {
  createGitopsRepo,
  KAIZEN_MANIFEST,
  kaizenManifest,
  type GitopsRepoFixture,
} from '../../support/fake-git-host/gitops-repo-fixture.js';
import { startFakeGithub, type FakeGithub } from '../../support/fake-git-host/start-fake-github.js';
import { freePort } from '../../support/free-port.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../../support/redis-test-prefix.js';
import { kaizenService, plan, rollbackRequest, settled } from '../strategies/kubernetes/strategy-harness.js';

const TOKEN = 'ghp_test_token_never_printed_0123456789';
const prefix = testPrefix('gitops-revert-pr');
const redis = new Redis(TEST_REDIS_URL);
const holds = new RedisGitopsHolds(redis, new RedisKeys(prefix));
const dir = mkdtempSync(join(tmpdir(), 'gitops-revert-pr-'));
const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});
afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

interface World {
  fake: FakeKube;
  repo: GitopsRepoFixture;
  strategy: KubernetesStrategy;
  clusters: KubernetesClusterFactory;
}

/** kaizen at v0.8.0 under Argo CD (sync on), its GitOps repository, and the bot (with `token`, or none). */
async function world(name: string, token: string | null = TOKEN): Promise<World> {
  const fake = await startFakeKube({ readyDelayMs: 10 });
  open.push(fake);
  await fake.createDeployment({
    name: 'kaizen',
    container: 'kaizen',
    image: 'kaizen:v0.7.0',
    metadata: { annotations: { 'argocd.argoproj.io/tracking-id': 'kaizen:apps/Deployment:default/kaizen' } },
  });
  await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
  fake.createCustomObject('applications', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'kaizen', namespace: 'argocd' },
    spec: { project: 'default', syncPolicy: { automated: { prune: true, selfHeal: true } } },
  });
  const controller = startFakeGitopsController(fake, {
    object: ['applications', 'argocd', 'kaizen'],
    deployment: { namespace: 'default', name: 'kaizen', container: 'kaizen' },
    image: 'kaizen:v0.8.0',
  });
  open.push({ close: () => controller.stop() });
  const repo = createGitopsRepo(mkdtempSync(join(dir, `${name}-`)));
  const clusters = createKubernetesClusterFactory({
    kubeconfigPath: await fake.kubeconfigFor('worker'),
    log: silentLogger(),
    retry: { attempts: 3, baseDelayMs: 5 },
  });
  const strategy = new KubernetesStrategy({
    clusterFactory: clusters,
    commandRunner: new LocalCommandRunner(),
    log: silentLogger(),
    pollIntervalMs: 100,
    gitopsHolds: holds,
    gitopsMirror: new GitopsMirror({
      runner: new LocalCommandRunner(),
      cacheDir: join(dir, `${name}-cache`),
    }),
    pullRequests: (settings) =>
      new GithubPullRequests({ ...settings, token: token ?? undefined, timeoutMs: 2_000 }),
  });
  return { fake, repo, strategy, clusters };
}

function service(repo: GitopsRepoFixture, api: string) {
  return kaizenService({
    gitops: {
      pause: true,
      git: { repo: repo.bare, path: KAIZEN_MANIFEST, pullRequests: { api, owner: 'acme', repo: 'deploy' } },
    },
  });
}

async function githubFor(repo: GitopsRepoFixture): Promise<FakeGithub> {
  const github = await startFakeGithub({ token: TOKEN, repos: { 'acme/deploy': repo.bare } });
  open.push(github);
  return github;
}

describe('the revert pull request in the GitOps repository', () => {
  it('names the commits in the plan, rolls back, pushes the revert branch and opens the pull request, linked in the thread and the status', async () => {
    const w = await world('opens');
    const gh = await githubFor(w.repo);
    const svc = service(w.repo, gh.url);
    const run = await plan(w.strategy, svc, rollbackRequest({ reason: '5xx after v0.8.0' }));
    expect(run.steps.map((s) => s.id)).toEqual([
      'identify',
      'precheck',
      'hold-gitops',
      'rollback',
      'monitor',
      'verify',
      'revert-pr',
    ]);
    const context = run.context();
    const warning = context.ctx.plan.warnings?.find((w) => w.startsWith('Revert these commits'));
    expect(warning).toContain('"bump kaizen to v0.8.0" (carol, 2026-12-06)');
    expect(warning).toContain('"bump kaizen to v0.8.0-rc1" (carol, 2026-12-03)');
    expect(warning).toContain('The bot opens the revert pull request once the rollback is done.');
    expect(gh.requests).toHaveLength(0);

    for (const step of run.steps.filter((s) => s.id !== 'verify')) await step.run(context.ctx);
    await settled(w.fake);
    expect(w.fake.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image).toBe(
      'kaizen:v0.7.0',
    );
    // One POST, authenticated as GitHub expects; a branch of reverts on top of main.
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /repos/acme/deploy/pulls']);
    expect(gh.requests[0]?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(gh.pulls).toMatchObject([
      {
        number: 1,
        head: 'rollback-bot/revert-job-1',
        base: 'main',
        title: 'Revert kaizen to v0.7.0 (revision 1) (rollback job-1)',
      },
    ]);
    const branch = 'refs/heads/rollback-bot/revert-job-1';
    expect(w.repo.git('show', `${branch}:${KAIZEN_MANIFEST}`)).toBe(
      kaizenManifest('kaizen:v0.7.0', 3).trim(),
    );
    expect(w.repo.git('log', '--format=%s', `main..${branch}`).split('\n')).toEqual([
      'Revert "bump kaizen to v0.8.0-rc1"',
      'Revert "bump kaizen to v0.8.0"',
    ]);
    expect(w.repo.git('log', '-1', '--format=%(trailers:key=Rollback-Job,valueonly)', branch)).toBe('job-1');
    const url = gh.pulls[0]?.html_url ?? '';
    expect(context.summaries).toContain(`revert PR #1: ${url}`);
    expect(context.details.find((d) => d.startsWith('Revert pull request opened'))).toContain(url);
    // The status names the commits and links the pull request.
    const hold = await holds.get('kaizen');
    expect(hold?.revert).toEqual({
      commits: [
        { short: expect.any(String), subject: 'bump kaizen to v0.8.0' },
        { short: expect.any(String), subject: 'bump kaizen to v0.8.0-rc1' },
      ],
      pullRequest: url,
    });
    const status = describeServiceState({
      service: svc,
      rolledBack: undefined,
      active: undefined,
      ...(hold ? { gitopsHold: hold } : {}),
    }).text;
    expect(status).toContain(
      '↩️ Revert these commits in Git, or the controller puts the bad version back when the hold ends:',
    );
    expect(status).toContain(`Revert pull request: ${url}`);
    for (const text of [...context.details, ...context.summaries, status]) expect(text).not.toContain(TOKEN);

    // The step again (a resumed job): nothing new. Again without its memory (a crash before it was
    // recorded): the branch is there, GitHub says 422 "already exists", and that pull request is linked.
    const again = run.step('revert-pr');
    await again.run(context.ctx);
    expect(gh.requests).toHaveLength(1);
    const fresh = run.context();
    await again.run(fresh.ctx);
    expect(gh.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'GET']);
    expect(gh.pulls).toHaveLength(1);
    expect(fresh.details[0]).toMatch(new RegExp(`^Revert pull request already open: ${url} `));

    // /rollback release puts sync back and says what Git must say first.
    const keeper = new GitopsKeeper(holds, w.clusters);
    const released = await keeper.restore('kaizen');
    expect(released?.restored).toBe(true);
    expect(released?.message).toMatch(
      new RegExp(
        `It now applies what Git says: make sure the revert pull request ${url} \\(reverting [0-9a-f]{7,}, [0-9a-f]{7,}\\) is merged\\.$`,
      ),
    );
    expect(await holds.get('kaizen')).toBeUndefined();
  });

  it('an unreachable Git host is said plainly, with the commits to revert by hand, and the rollback stands', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const w = await world('unreachable');
    const run = await plan(w.strategy, service(w.repo, closed), rollbackRequest());
    const context = run.context();
    for (const step of run.steps.filter((s) => s.id !== 'verify')) await step.run(context.ctx);
    await settled(w.fake);
    expect(w.fake.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image).toBe(
      'kaizen:v0.7.0',
    );
    expect(context.summaries.at(-1)).toBe('revert PR not opened (see thread)');
    const said = context.details.at(-1) ?? '';
    expect(said).toMatch(
      new RegExp(
        `^The revert pull request was not opened: The Git host ${closed} could not be reached\\. The rollback stands\\. Revert in Git by hand: git revert [0-9a-f]{7,} [0-9a-f]{7,} on main of `,
      ),
    );
    expect(said).not.toContain(TOKEN);
    await holds.remove('kaizen');
  });

  it('without the token the bot says which variable to set, and asks nothing of the host', async () => {
    const w = await world('no-token', null);
    const github = await githubFor(w.repo);
    const run = await plan(w.strategy, service(w.repo, github.url), rollbackRequest());
    const context = run.context();
    for (const step of run.steps.filter((s) => s.id !== 'verify')) await step.run(context.ctx);
    expect(context.details.at(-1)).toContain(`The bot has no GIT_TOKEN for ${github.url}.`);
    expect(github.requests).toHaveLength(0);
    await holds.remove('kaizen');
  });
});
