import { afterEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../../../support/fake-kube/index.js';
import { runKubectl } from '../../../support/fake-kube/run-kubectl.js';
import { kaizenService, plan, rollbackRequest, settled, strategyFor } from './strategy-harness.js';

/**
 * The bot must leave a Deployment exactly as kubectl does: the real /usr/bin/kubectl works on one fake,
 * the bot on an identical one, and the results (and the PATCH bodies) are compared.
 */
const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

async function kaizenWithHistory(): Promise<FakeKube> {
  const fake = await startFakeKube({ readyDelayMs: 10 });
  open.push(fake);
  await fake.createDeployment({
    name: 'kaizen',
    container: 'kaizen',
    image: 'kaizen:v0.7.0',
    replicas: 2,
    changeCause: 'release v0.7.0',
  });
  await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0', 'release v0.8.0');
  await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.9.0', 'release v0.9.0');
  return fake;
}

const lastPatch = (fake: FakeKube): unknown => fake.requests.filter((r) => r.method === 'PATCH').at(-1)?.body;

function resultOf(fake: FakeKube): { template: unknown; annotations: unknown } {
  const d = fake.deployment('default', 'kaizen');
  return { template: d.spec?.template, annotations: d.metadata?.annotations };
}

describe('the bot and kubectl leave the Deployment identical', () => {
  it.each([
    { title: 'rollout undo (previous revision)', args: [] as string[], request: rollbackRequest() },
    {
      title: 'rollout undo --to-revision=1',
      args: ['--to-revision=1'],
      request: rollbackRequest({ toRevision: 1 }),
    },
  ])('$title', async ({ args, request }) => {
    const [withKubectlFake, withBotFake] = [await kaizenWithHistory(), await kaizenWithHistory()];
    const undo = await runKubectl(withKubectlFake, [
      '-n',
      'default',
      'rollout',
      'undo',
      'deployment/kaizen',
      ...args,
    ]);
    expect(undo).toMatchObject({ exitCode: 0, stdout: 'deployment.apps/kaizen rolled back' });

    const run = await plan(strategyFor(withBotFake), kaizenService(), request);
    await run.step('rollback').run(run.context().ctx);
    await Promise.all([settled(withKubectlFake), settled(withBotFake)]);

    const expected = resultOf(withKubectlFake);
    expect(resultOf(withBotFake)).toEqual(expected);
    expect(expected.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '4' });
    // Same request body too, apart from the bot's resourceVersion precondition in front.
    const botPatch = lastPatch(withBotFake) as { op: string }[];
    expect(botPatch[0]).toMatchObject({ op: 'test', path: '/metadata/resourceVersion' });
    expect(botPatch.slice(1)).toEqual(lastPatch(withKubectlFake));
    expect(
      withBotFake
        .replicaSets('default')
        .map((rs) => [rs.metadata?.name, rs.metadata?.annotations?.['deployment.kubernetes.io/revision']])
        .sort(),
    ).toEqual(
      withKubectlFake
        .replicaSets('default')
        .map((rs) => [rs.metadata?.name, rs.metadata?.annotations?.['deployment.kubernetes.io/revision']])
        .sort(),
    );
  });

  it('set image: the same strategic merge patch and the same result', async () => {
    const [withKubectlFake, withBotFake] = [await kaizenWithHistory(), await kaizenWithHistory()];
    expect(
      await runKubectl(withKubectlFake, [
        '-n',
        'default',
        'set',
        'image',
        'deployment/kaizen',
        'kaizen=kaizen:v0.6.0',
      ]),
    ).toMatchObject({ exitCode: 0 });
    const run = await plan(
      strategyFor(withBotFake),
      kaizenService({ kubernetes: { tags: ['v0.6.0'] } }),
      rollbackRequest({ version: 'v0.6.0' }),
    );
    await run.step('rollback').run(run.context().ctx);
    await Promise.all([settled(withKubectlFake), settled(withBotFake)]);
    expect(lastPatch(withBotFake)).toEqual(lastPatch(withKubectlFake));
    expect(resultOf(withBotFake)).toEqual(resultOf(withKubectlFake));
  });

  it('refuses what kubectl refuses, with the same words', async () => {
    const fake = await kaizenWithHistory();
    const missing = await runKubectl(fake, [
      '-n',
      'default',
      'rollout',
      'undo',
      'deployment/kaizen',
      '--to-revision=7',
    ]);
    expect(missing.stderr).toContain('unable to find specified revision 7 in history');
    await expect(
      strategyFor(fake).resolve(kaizenService(), rollbackRequest({ toRevision: 7 })),
    ).rejects.toMatchObject({
      code: 'unknown_revision',
      message: 'unable to find specified revision 7 in history',
    });
    fake.pause('default', 'kaizen');
    const paused = await runKubectl(fake, ['-n', 'default', 'rollout', 'undo', 'deployment/kaizen']);
    expect(paused.exitCode).not.toBe(0);
    const error = (await strategyFor(fake)
      .resolve(kaizenService(), rollbackRequest())
      .catch((e: unknown) => e)) as Error;
    // kubectl 1.32 says "...with 'kubectl rollout resume' and try again"; current kubectl source (and the
    // bot) name the Deployment in that command: the advice up to there is the same.
    const advice = "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume";
    expect(paused.stderr).toContain(advice);
    expect(error.message).toBe(`${advice} deployment/kaizen' and try again`);
  });
});
