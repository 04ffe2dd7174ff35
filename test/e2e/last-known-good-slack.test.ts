import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import type { FakeMessage } from '../support/fake-slack/types.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { blocksText } from '../support/blocks-text.js';

const git = (cwd: string, ...args: string[]) =>
  execa('git', ['-c', 'user.name=Release', '-c', 'user.email=r@example.com', ...args], {
    cwd,
    stdin: 'ignore',
  });

describe('last known good, through Slack: marked in versions, proposed by /rollback <service>', () => {
  let kube: FakeKube;
  let bot: TestBot;
  let dir: string;
  const image = 'registry.example.com/kaizen';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lkg-git-'));
    const repo = join(dir, 'kaizen');
    await git(dir, 'init', '--quiet', '-b', 'main', repo);
    for (const tag of ['v0.6.0', 'v0.7.0', 'v0.8.0', 'v0.9.0']) {
      await writeFile(join(repo, 'VERSION'), tag);
      await git(repo, 'add', 'VERSION');
      await git(repo, 'commit', '--quiet', '-m', tag);
      await git(repo, 'tag', tag);
    }
    kube = await startFakeKube({ readyDelayMs: 20 });
    // Ran here: v0.6.0 (revision 1), v0.7.0 (2), then the bad deploy v0.8.0 (3).
    await kube.createDeployment({
      name: 'kaizen',
      container: 'kaizen',
      image: `${image}:v0.6.0`,
      replicas: 1,
    });
    await kube.deploy('default', 'kaizen', 'kaizen', `${image}:v0.7.0`);
    await kube.deploy('default', 'kaizen', 'kaizen', `${image}:v0.8.0`);
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
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
          },
          versions: { git: { repository: `file://${repo}` } },
        },
      },
    });
  });
  afterAll(async () => {
    await bot?.close();
    await kube?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const image0 = () => kube.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image;
  const finished = (count: number) =>
    bot.slack.waitFor(
      () =>
        bot.slack.messages('C0DEPLOYS').filter((m: FakeMessage) => /Rolled back kaizen/.test(m.text))
          .length >= count,
      20_000,
    );

  it('marks the revision before the bad deploy, lists the git tags, and /rollback kaizen goes there', async () => {
    const versions = blocksText((await bot.slash('versions kaizen')).body);
    expect(versions).toMatch(
      /`revision:2` — revision 2: registry\.example\.com\/kaizen:v0\.7\.0.* ← \*last known good\*/,
    );
    expect(versions).toMatch(/`revision:3` — .* ← \*current\*/);
    expect(versions).toMatch(/`v0\.9\.0` — git tag v0\.9\.0 in file:\/\/.*kaizen/);
    expect(versions).toContain('`/rollback kaizen` for the last known good (`revision:2`)');

    const plan = blocksText((await bot.slash('kaizen --reason "5xx after v0.8.0"')).body);
    expect(plan).toContain('v0.7.0 (revision 2) (last known good)');
    await finished(1);
    expect(image0()).toBe(`${image}:v0.7.0`);
  });

  it('after a rollback away from v0.8.0, proposes v0.6.0, not the "previous" v0.8.0', async () => {
    // Now v0.7.0 runs (revision 4); "previous" would be revision 3, the bad v0.8.0 the bot left.
    const versions = blocksText((await bot.slash('versions kaizen')).body);
    expect(versions).toMatch(
      /`revision:1` — revision 1: registry\.example\.com\/kaizen:v0\.6\.0.* ← \*last known good\*/,
    );
    expect(versions).not.toMatch(/`revision:3` — .*last known good/);

    const dry = blocksText((await bot.slash('kaizen --dry-run')).body);
    expect(dry).toContain('v0.6.0 (revision 1) (last known good)');
    expect(dry).toMatch(
      /LAST KNOWN GOOD: not revision 3: registry\.example\.com\/kaizen:v0\.8\.0: rollback \S+ went away from it/,
    );

    const explicit = blocksText((await bot.slash('kaizen revision:3 --dry-run --forward')).body);
    expect(explicit).toContain(
      '*Last known good*\nrevision 1: registry.example.com/kaizen:v0.6.0 (revision:1)',
    );

    await bot.slash('kaizen --reason "v0.7.0 also fails"');
    await finished(2);
    expect(image0()).toBe(`${image}:v0.6.0`);
  });
});
