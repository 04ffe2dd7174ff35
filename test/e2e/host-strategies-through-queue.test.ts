import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { createCommandRunnerFactory } from '../../src/targets/shell/create-command-runner-factory.js';
import type { FakeMessage } from '../support/fake-slack/types.js';
import { createHarness, type Harness } from '../rollback/strategies/host/strategy-harness.js';
import { createGitFixture, type GitFixture } from '../rollback/strategies/git/git-fixture.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';

const CHANNEL = 'C0DEPLOYS';

function status(bot: TestBot, service: string): FakeMessage | undefined {
  return bot.slack.messages(CHANNEL).find((m) => m.text.startsWith(`Rollback of ${service}`));
}

async function outcome(bot: TestBot, service: string, pattern: RegExp): Promise<string> {
  await bot.slack.waitFor(() => pattern.test(status(bot, service)?.text ?? ''), 60_000);
  return status(bot, service)?.text ?? '';
}

describe('host strategies end to end: Slack -> BullMQ -> worker -> real git, real files, helm stand-in', () => {
  let h: Harness;
  let git: GitFixture;
  let bot: TestBot;

  beforeEach(async () => {
    h = await createHarness();
    git = createGitFixture(h.standins.dir);
    const backups = join(h.standins.dir, 'backup');
    const live = join(h.standins.dir, 'live');
    for (const version of ['v0.6.0', 'v0.7.0']) {
      await mkdir(join(backups, version), { recursive: true });
      await writeFile(join(backups, version, 'VERSION'), `${version}\n`);
    }
    await mkdir(live, { recursive: true });
    await writeFile(join(live, 'VERSION'), 'v0.8.0\n');
    await h.setState('local', 'helm.json', {
      releases: {
        'default/shop': [
          {
            revision: 1,
            updated: '2026-11-01T10:00:00Z',
            status: 'superseded',
            chart: 'shop-1.6.0',
            app_version: 'v0.6.0',
            description: 'Install complete',
          },
          {
            revision: 2,
            updated: '2026-11-02T10:00:00Z',
            status: 'superseded',
            chart: 'shop-1.7.0',
            app_version: 'v0.7.0',
            description: 'Upgrade complete',
          },
          {
            revision: 3,
            updated: '2026-11-03T10:00:00Z',
            status: 'deployed',
            chart: 'shop-1.8.0',
            app_version: 'v0.8.0',
            description: 'Upgrade complete',
          },
        ],
      },
    });
    bot = await startTestBot({
      services: {
        gitapp: {
          name: 'gitapp',
          channel: CHANNEL,
          strategy: 'git',
          git: { path: git.work, restart: ['true'] },
        },
        filesapp: {
          name: 'filesapp',
          channel: CHANNEL,
          strategy: 'files',
          files: { path: live, backupDir: backups, unit: 'filesapp.service' },
        },
        shop: { name: 'shop', channel: CHANNEL, strategy: 'helm', helm: { release: 'shop', timeout: '60s' } },
      },
      overrides: {
        runnerFactory: createCommandRunnerFactory({ log: silentLogger(), baseEnv: h.standins.env }),
      },
    });
  });
  afterEach(async () => {
    await bot.close();
    await h.standins.cleanup();
  });

  it('git: checks out the tag for real and restarts', async () => {
    const { body } = await bot.slash('gitapp v0.7.0');
    expect(body.text).toContain('v0.7.0');
    expect(await outcome(bot, 'gitapp', /Rolled back|failed/i)).toMatch(/Rolled back gitapp/);
    expect(git.git(git.work, 'rev-parse', 'HEAD')).toBe(git.sha['v0.7.0']);
    expect(await readFile(join(git.work, 'VERSION'), 'utf8')).toBe('v0.7.0\n');
  });

  it('git: a work tree with local modifications is refused before anything runs', async () => {
    await writeFile(join(git.work, 'VERSION'), 'hotfix\n');
    const { body } = await bot.slash('gitapp v0.7.0');
    expect(body.text ?? '').toMatch(/modif/i);
    expect(JSON.stringify(body)).toContain('VERSION');
    expect(git.git(git.work, 'rev-parse', 'HEAD')).toBe(git.sha['v0.8.0']);
  });

  it('files: stops the unit, restores the backup for real, starts it and verifies', async () => {
    await h.standins.setUnitState('local', 'filesapp.service', 'active');
    await bot.slash('filesapp v0.7.0');
    expect(await outcome(bot, 'filesapp', /Rolled back|failed/i)).toMatch(/Rolled back filesapp/);
    expect(await readFile(join(h.standins.dir, 'live', 'VERSION'), 'utf8')).toBe('v0.7.0\n');
    const systemctl = (await h.standins.argvOf('systemctl')).map((argv) => argv.join(' '));
    expect(systemctl).toEqual(expect.arrayContaining(['stop filesapp.service', 'start filesapp.service']));
    expect(systemctl.indexOf('stop filesapp.service')).toBeLessThan(
      systemctl.indexOf('start filesapp.service'),
    );
  });

  it('files: a missing backup is refused with the ones that exist', async () => {
    const { body } = await bot.slash('filesapp v0.5.0');
    expect(JSON.stringify(body)).toMatch(/v0\.6\.0[\s\S]*v0\.7\.0|v0\.7\.0[\s\S]*v0\.6\.0/);
    expect(await h.standins.argvOf('systemctl')).toEqual([]);
  });

  it('helm: rolls the release back to the previous good revision with wait and timeout', async () => {
    const { body } = await bot.slash('shop');
    expect(JSON.stringify(body)).toContain('helm rollback shop 2');
    expect(await outcome(bot, 'shop', /Rolled back|failed/i)).toMatch(/Rolled back shop/);
    const helm = await h.standins.argvOf('helm');
    expect(helm).toContainEqual([
      'rollback',
      'shop',
      '2',
      '--namespace',
      'default',
      '--wait',
      '--timeout',
      '60s',
    ]);
    expect(helm.filter((argv) => argv[0] === 'rollback')).toHaveLength(1);
  });
});
