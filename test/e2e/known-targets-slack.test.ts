import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/rollback/ports/audit-log.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { startFakeRegistry, type FakeRegistry } from '../support/fake-registry/index.js';
import type { FakeMessage } from '../support/fake-slack/types.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { blocksText } from '../support/blocks-text.js';

const API_TOKEN = 'known-targets-api-token';

describe('known targets only, through Slack with the bot wired to a registry', () => {
  let kube: FakeKube;
  let registry: FakeRegistry;
  let bot: TestBot;
  let image: string;

  beforeAll(async () => {
    [kube, registry] = await Promise.all([startFakeKube({ readyDelayMs: 20 }), startFakeRegistry()]);
    image = `${registry.host}/kaizen`;
    for (const tag of ['v0.7.0', 'v0.8.0', 'v0.8.1', 'v0.9.0']) registry.pushImage('kaizen', tag);
    await kube.createDeployment({
      name: 'kaizen',
      container: 'kaizen',
      image: `${image}:v0.7.0`,
      replicas: 1,
    });
    await kube.deploy('default', 'kaizen', 'kaizen', `${image}:v0.8.0`);
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      config: { apiToken: API_TOKEN },
      services: {
        kaizen: {
          name: 'kaizen',
          channel: 'C0DEPLOYS',
          strategy: 'kubernetes',
          kubernetes: {
            namespace: 'default',
            deployment: 'kaizen',
            container: 'kaizen',
            image,
            rolloutTimeout: '20s',
            registry: { insecure: true },
          },
        },
      },
    });
  });
  afterAll(async () => {
    await bot?.close();
    await Promise.all([kube?.close(), registry?.close()]);
  });

  const audit = async (): Promise<AuditEntry[]> => {
    const response = await fetch(new URL('/api/audit?service=kaizen', bot.bot.url), {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    return ((await response.json()) as { entries: AuditEntry[] }).entries;
  };
  const statusMessage = (): FakeMessage | undefined =>
    bot.slack.messages('C0DEPLOYS').find((m) => m.text.startsWith('Rollback of kaizen'));

  it('refuses a never-deployed version the registry lacks, and a newer one without --forward', async () => {
    const unknown = await bot.slash('kaizen v0.6.5');
    expect(blocksText(unknown.body)).toContain(
      `v0.6.5 is not a known version of kaizen: it never ran in deployment/kaizen, the registry has no ${image}:v0.6.5.`,
    );
    expect(blocksText(unknown.body)).toContain('Available: v0.7.0.');

    const newer = await bot.slash('kaizen v0.9.0');
    expect(blocksText(newer.body)).toContain('v0.9.0 never ran in kaizen');
    expect(blocksText(newer.body)).toContain('/rollback kaizen v0.9.0 --allow-unlisted');
    const stillNewer = await bot.slash('kaizen v0.9.0 --allow-unlisted');
    expect(blocksText(stillNewer.body)).toContain('v0.9.0 is newer than the current v0.8.0');
    expect(kube.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image).toBe(
      `${image}:v0.8.0`,
    );
  });

  it('goes forward with both flags: marked in the plan and the status message, and audited', async () => {
    const { body } = await bot.slash('kaizen v0.8.1 --forward --allow-unlisted --reason "hotfix"');
    const plan = blocksText(body);
    expect(plan).toContain('UNLISTED: v0.8.1 never ran in kaizen (exists in the registry; --allow-unlisted)');
    expect(plan).toContain('FORWARD: v0.8.1 is newer than the current v0.8.0 (--forward)');
    await bot.slack.waitFor(() => /Rolled back kaizen/.test(statusMessage()?.text ?? ''), 20_000);
    expect(blocksText(statusMessage() as FakeMessage)).toContain('FORWARD: v0.8.1 is newer');
    const exception = (await audit()).find((e) => e.type === 'target_exception');
    expect(exception?.actor.source).toBe('slack');
    expect(exception?.detail).toContain('FORWARD: v0.8.1');
    expect(exception?.detail).toContain('UNLISTED: v0.8.1');
  });
});
