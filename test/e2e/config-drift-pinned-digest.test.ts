import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blocksText } from '../support/blocks-text.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import type { FakeMessage } from '../support/fake-slack/types.js';
import { deploymentServiceIn } from '../support/kaizen-service.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';

const CHANNEL = 'C0DEPLOYS';
const PINNED = `@sha256:${'7e'.repeat(32)}`;

/** A Kubernetes service of the catalog, its Deployment named after it, pinning digests on rollback. */
const service = (name: string, tags?: string[]) =>
  deploymentServiceIn(name, CHANNEL, {
    kubernetes: { rolloutTimeout: '20s', pinDigest: true, ...(tags ? { tags } : {}) },
  });

/**
 * With `kubernetes.pinDigest` the Deployment runs `kaizen:v0.7.0@sha256:…`; people still type `v0.7.0`. What
 * the pinned image's ConfigMaps held is the record of v0.7.0: the next plan to v0.7.0 compares with it.
 */
describe('config drift with pinned digests: a pinned image and its tag share one record', () => {
  let kube: FakeKube;
  let bot: TestBot;

  /** The plan as the user sees it (the acknowledgement, or the follow-up of a slow plan). */
  const plan = async (text: string): Promise<string> => {
    const { status, body } = await bot.slash(text);
    expect(status).toBe(200);
    return blocksText(body);
  };
  const image = (name: string) => kube.deployment('default', name).spec?.template.spec?.containers[0]?.image;
  const createWithConfig = async (name: string) => {
    kube.createConfigMap({ name: `${name}-config`, data: { LOG_LEVEL: 'info' } });
    await kube.createDeployment({
      name,
      container: name,
      image: `${name}:v0.6.0`,
      replicas: 1,
      podSpec: { volumes: [{ name: 'config', configMap: { name: `${name}-config` } }] },
    });
  };

  beforeAll(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await Promise.all([createWithConfig('kaizen'), createWithConfig('search')]);
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      // search's v0.7.0 only ever ran pinned: it is known from the history, and from `tags:` as well.
      services: { kaizen: service('kaizen'), search: service('search', ['v0.7.0']) },
    });
  });
  afterAll(async () => {
    await bot?.close();
    await kube?.close();
  });

  it('finds the record of a tag that last ran pinned: no "not known" for it', async () => {
    await kube.deploy('default', 'search', 'search', `search:v0.7.0${PINNED}`);
    // A plan while the pinned v0.7.0 runs records what its ConfigMap holds.
    expect(await plan('search v0.6.0 --dry-run')).toContain('Dry run');
    await kube.deploy('default', 'search', 'search', 'search:v0.8.0');
    const shown = await plan('search v0.7.0 --dry-run');
    expect(shown).toContain('Dry run: would roll back search (production) from v0.8.0');
    expect(shown).not.toContain('Config drift not known');
    expect(shown).not.toContain('changed since');
  });

  it('after a pinned rollback, the next plan to that tag compares with what the pinned image ran with', async () => {
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.7.0');
    // The bot sees v0.7.0 run (its digest and its config are recorded), then v0.8.0 goes out.
    await plan('kaizen v0.6.0 --dry-run');
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    expect(await plan('kaizen v0.7.0 --reason "5xx after v0.8.0"')).toMatch(/job kaizen-/);
    await bot.slack.waitFor(
      () => bot.slack.messages(CHANNEL).some((m: FakeMessage) => /Rolled back kaizen/.test(m.text)),
      20_000,
    );
    expect(image('kaizen')).toMatch(/^kaizen:v0\.7\.0@sha256:[0-9a-f]{64}$/);
    // While the pinned v0.7.0 runs, its config is changed for it, and a plan sees that.
    kube.updateConfigData('ConfigMap', 'default', 'kaizen-config', { LOG_LEVEL: 'debug' });
    await plan('kaizen v0.6.0 --dry-run');
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    const shown = await plan('kaizen v0.7.0 --dry-run');
    expect(shown).toContain('Dry run: would roll back kaizen (production) from v0.8.0');
    expect(shown).not.toContain('ConfigMap kaizen-config changed since v0.7.0 last ran');
    expect(shown).not.toContain('Config drift not known');
    // A change after that is still named.
    kube.updateConfigData('ConfigMap', 'default', 'kaizen-config', { LOG_LEVEL: 'trace' });
    expect(await plan('kaizen v0.7.0 --dry-run')).toContain(
      'ConfigMap kaizen-config changed since v0.7.0 last ran',
    );
  });
});
