import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blocksText } from '../support/blocks-text.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { kubectlImage } from '../support/fake-kube/run-kubectl.js';
import type { FakeMessage } from '../support/fake-slack/types.js';
import { kaizenServiceIn } from '../support/kaizen-service.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';

const CHANNEL = 'C0DEPLOYS';
const DIGEST = `sha256:${'5d'.repeat(32)}`;

/**
 * With `kubernetes.pinDigest` (or a CD system that pins) the Deployment ran `kaizen:v0.7.0@sha256:…`; people
 * type `/rollback kaizen v0.7.0`. That is a version that ran here (no `tags:`, no registry), and the rollback
 * goes back to the digest that ran.
 */
describe('/rollback to a version that only ran pinned by digest', () => {
  let kube: FakeKube;
  let bot: TestBot;

  const answer = async (text: string): Promise<string> => {
    const { status, body } = await bot.slash(text);
    expect(status).toBe(200);
    return blocksText(body);
  };

  beforeAll(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.6.0', replicas: 1 });
    await kube.deploy('default', 'kaizen', 'kaizen', `kaizen:v0.7.0@${DIGEST}`);
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      services: {
        kaizen: kaizenServiceIn(CHANNEL, { kubernetes: { rolloutTimeout: '20s', pinDigest: true } }),
      },
    });
  });
  afterAll(async () => {
    await bot?.close();
    await kube?.close();
  });

  it('plans it as a version that ran here, setting the pinned digest', async () => {
    const shown = await answer('kaizen v0.7.0 --dry-run');
    expect(shown).not.toContain('not a known version');
    expect(shown).toContain(
      'Dry run: would roll back kaizen (production) from v0.8.0 (revision 3) to v0.7.0',
    );
    expect(shown).toContain(`kaizen=kaizen:v0.7.0@${DIGEST}`);
  });

  it('rolls back to the digest that ran (as real kubectl shows); asked again, it already runs', async () => {
    expect(await answer('kaizen v0.7.0 --reason "5xx after v0.8.0"')).toMatch(/job kaizen-/);
    await bot.slack.waitFor(
      () => bot.slack.messages(CHANNEL).some((m: FakeMessage) => /Rolled back kaizen/.test(m.text)),
      20_000,
    );
    expect(await kubectlImage(kube, 'kaizen')).toBe(`kaizen:v0.7.0@${DIGEST}`);
    expect(await answer('kaizen v0.7.0 --dry-run')).toContain(`kaizen already runs kaizen:v0.7.0@${DIGEST}`);
  });
});
