import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RollbackError } from '../../../../src/errors/rollback-error.js';
import type { KubernetesStrategy } from '../../../../src/rollback/strategies/kubernetes/kubernetes-strategy.js';
import { RedisImageDigests } from '../../../../src/stores/redis-image-digests.js';
import { RedisKeys } from '../../../../src/stores/redis-keys.js';
import { startFakeKube, type FakeKube } from '../../../support/fake-kube/index.js';
import { runKubectl } from '../../../support/fake-kube/run-kubectl.js';
import { startFakeRegistry, type FakeRegistry } from '../../../support/fake-registry/index.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../../../support/redis-test-prefix.js';
import { renderVersions } from '../../../../src/render/slack/render-versions.js';
import { renderReplyText } from '../../../../src/render/terminal/render-reply-text.js';
import {
  kaizenService,
  plan,
  registryStrategyFor,
  rollbackRequest,
  type PlannedRun,
} from './strategy-harness.js';

const prefix = testPrefix('image-digests');
let kube: FakeKube;
let registry: FakeRegistry;
let redis: Redis;
let digests: RedisImageDigests;
let repository: string;
/** The digest v0.7.0 had when it ran here (revision 2). */
let ranDigest: string;

const strategy = (): KubernetesStrategy => registryStrategyFor(kube, digests);

const service = (pinDigest = false): ReturnType<typeof kaizenService> =>
  kaizenService({
    kubernetes: { image: repository, registry: { insecure: true, timeout: '2s' }, pinDigest },
  });

const image = (): string | undefined =>
  kube.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image;

async function runAll(run: PlannedRun): Promise<string[]> {
  const context = run.context();
  for (const step of run.steps) await step.run(context.ctx);
  return context.details;
}

beforeAll(async () => {
  [kube, registry] = await Promise.all([
    startFakeKube({ readyDelayMs: 10 }),
    startFakeRegistry({ auth: 'none' }),
  ]);
  redis = new Redis(TEST_REDIS_URL);
  digests = new RedisImageDigests(redis, new RedisKeys(prefix));
  repository = `${registry.host}/kaizen`;
  for (const tag of ['v0.6.0', 'v0.7.0', 'v0.8.0']) registry.pushImage('kaizen', tag);
  ranDigest = registry.digestOf('kaizen', 'v0.7.0') ?? '';
  kube.setDigestResolver((name) => registry.digestOfImage(name));
  await kube.createDeployment({
    name: 'kaizen',
    container: 'kaizen',
    image: `${repository}:v0.6.0`,
    replicas: 2,
  });
  await kube.deploy('default', 'kaizen', 'kaizen', `${repository}:v0.7.0`);
  // Someone asks for a plan while v0.7.0 runs (a dry run): the bot records what its pods run.
  await strategy().resolve(service(), rollbackRequest({ dryRun: true }));
  await kube.deploy('default', 'kaizen', 'kaizen', `${repository}:v0.8.0`);
  // Then v0.7.0 is pushed again: the tag moves to an image that never ran here.
  registry.pushImage('kaizen', 'v0.7.0');
}, 60_000);

afterAll(async () => {
  await Promise.all([kube?.close(), registry?.close()]);
  await deletePrefix(prefix);
  redis?.disconnect();
});

describe('image digests: what each revision ran with', () => {
  it("records the digest of the pods' imageID, the same one real kubectl shows", async () => {
    const shown = await runKubectl(kube, [
      'get',
      'pods',
      '-o',
      'jsonpath={range .items[*]}{.status.containerStatuses[0].imageID}{"\\n"}{end}',
    ]);
    expect(shown.exitCode).toBe(0);
    const v080 = registry.digestOf('kaizen', 'v0.8.0') ?? '';
    expect(shown.stdout.trim().split('\n')).toEqual([`${repository}@${v080}`, `${repository}@${v080}`]);
    expect(await digests.ranWith('kaizen', `${repository}:v0.7.0`)).toMatchObject({
      digest: ranDigest,
      revision: 2,
    });
  });

  it('flags a tag whose digest changed since it ran, and rolls back to the tag unless pinned', async () => {
    const resolved = await strategy().resolve(
      service(),
      rollbackRequest({ version: 'v0.7.0', dryRun: true }),
    );
    const moved = registry.digestOf('kaizen', 'v0.7.0') ?? '';
    expect(moved).not.toBe(ranDigest);
    expect(resolved.warnings).toEqual([
      `${repository}:v0.7.0 now points at ${moved.slice(0, 19)}… in the registry, but it ran here as ` +
        `${ranDigest.slice(0, 19)}… (revision 2, seen ${(await digests.ranWith('kaizen', `${repository}:v0.7.0`))?.seenAt}): ` +
        `the tag was moved since. The rollback would run the new image; set kubernetes.pinDigest: true to roll back to ${repository}:v0.7.0@${ranDigest}.`,
    ]);
    expect(resolved.target).toMatchObject({ image: `${repository}:v0.7.0`, ranWith: ranDigest });
  });

  it('flags the undo to that revision too: its template names the moved tag', async () => {
    const resolved = await strategy().resolve(service(), rollbackRequest({ dryRun: true }));
    expect(resolved.to).toBe('v0.7.0 (revision 2)');
    expect(resolved.warnings?.[0]).toContain(`${repository}:v0.7.0 now points at`);
    expect(resolved.warnings?.[0]).toContain(
      'an image rollback to v0.7.0 with kubernetes.pinDigest: true rolls back to the exact image',
    );
  });

  it('versions shows the digest each version ran with (short form), where the bot recorded one', async () => {
    const entries = await strategy().listVersions(service());
    const v080 = (await digests.ranWith('kaizen', `${repository}:v0.8.0`))?.digest ?? '';
    expect(v080).toMatch(/^sha256:[0-9a-f]{64}$/);
    const byId = Object.fromEntries(entries.map((e) => [e.id, e]));
    expect(byId['revision:3']).toMatchObject({ current: true, digest: v080 });
    expect(byId['revision:3']?.description).toMatch(new RegExp(`, ran as ${v080.slice(0, 19)}$`));
    expect(byId['revision:2']).toMatchObject({ digest: ranDigest });
    expect(byId['revision:2']?.description).toMatch(new RegExp(`, ran as ${ranDigest.slice(0, 19)}$`));
    // v0.6.0 ran before the bot ever looked: nothing recorded, nothing shown.
    expect(byId['revision:1']?.digest).toBeUndefined();
    expect(byId['revision:1']?.description).not.toContain('ran as');
    // As the CLI and Slack print it.
    const text = renderReplyText({ kind: 'versions', service: 'kaizen', entries });
    expect(text).toContain(`ran as ${ranDigest.slice(0, 19)}`);
    expect(JSON.stringify(renderVersions('kaizen', entries).blocks)).toContain(
      `ran as ${ranDigest.slice(0, 19)}`,
    );
  });

  it('with kubernetes.pinDigest rolls back to the exact image that ran, checked pullable by digest first', async () => {
    registry.requests.splice(0);
    const run = await plan(strategy(), service(true), rollbackRequest({ version: 'v0.7.0' }));
    const details = await runAll(run);
    expect(image()).toBe(`${repository}:v0.7.0@${ranDigest}`);
    expect(details).toContain(`Registry: ${repository}:v0.7.0@${ranDigest} can be pulled (${ranDigest}).`);
    expect(
      registry.requests.some((r) => r.method === 'HEAD' && r.path.endsWith(`/manifests/${ranDigest}`)),
    ).toBe(true);
    const running = kube
      .pods('default')
      .filter((p) => p.metadata?.deletionTimestamp === undefined && p.spec?.containers[0]?.image === image())
      .map((p) => p.status?.containerStatuses?.[0]?.imageID);
    expect(running.length).toBeGreaterThan(0);
    for (const id of running) expect(id).toBe(`${repository}@${ranDigest}`);
  });

  it('stops before any change when the registry no longer has the image, and says so plainly when it cannot be asked', async () => {
    await kube.deploy('default', 'kaizen', 'kaizen', `${repository}:v0.8.0`);
    registry.deleteTag('kaizen', 'v0.6.0');
    const run = await plan(strategy(), service(), rollbackRequest({ version: 'v0.6.0' }));
    const patchesBefore = kube.requests.filter((r) => r.method === 'PATCH').length;
    const error = await runAll(run).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RollbackError);
    expect(error).toMatchObject({
      code: 'image_not_pullable',
      message: `The registry has no ${repository}:v0.6.0 any more: pods could not pull it, so nothing was changed.`,
    });
    expect(kube.requests.filter((r) => r.method === 'PATCH').length).toBe(patchesBefore);
    expect(image()).toBe(`${repository}:v0.8.0`);

    // An unreachable registry does not block a version that ran here: said in the thread, rollback goes on.
    registry.injectFault({ status: 503, times: 10 });
    const again = await plan(strategy(), service(), rollbackRequest({ version: 'v0.7.0' }));
    const details = await runAll(again);
    expect(details.find((d) => d.startsWith('Registry not checked:'))).toMatch(
      /^Registry not checked: .*503.*Going on: the image ran here before or the plan found it in the registry\.$/,
    );
    expect(image()).toBe(`${repository}:v0.7.0`);
  });
});
