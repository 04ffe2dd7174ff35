import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readBundle, type EvidenceBundle } from '../../src/evidence/bundle/read-bundle.js';
import { DEFAULT_RETENTION } from '../../src/evidence/evidence-store.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createCommandRunnerFactory } from '../../src/targets/shell/create-command-runner-factory.js';
import { startIdleProcess, writeHostState, type IdleProcess } from '../support/evidence-fixtures.js';
import type { FakeMessage } from '../support/fake-slack/types.js';
import { PLANTED_SECRETS, SECRETS } from '../support/planted-secrets.js';
import { standinPath, type StandinPath } from '../support/standins/standin-path.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';

const CHANNEL = 'C0DEPLOYS';
const UNIT = 'filesapp.service';

const statusMessage = (bot: TestBot): FakeMessage | undefined =>
  bot.slack.messages(CHANNEL).find((m) => m.text.startsWith('Rollback of filesapp'));
const threadText = (bot: TestBot): string =>
  (statusMessage(bot)?.replies ?? []).map((r) => `${r.text}\n${JSON.stringify(r.blocks ?? [])}`).join('\n');

describe('evidence in a host rollback (files strategy), end to end through Slack, BullMQ and command stand-ins', () => {
  let standins: StandinPath;
  let bot: TestBot;
  let evidenceDir: string;
  let live: string;
  let app: IdleProcess;

  beforeAll(async () => {
    app = await startIdleProcess(4);
  });
  afterAll(async () => {
    await app.stop();
  });

  beforeEach(async () => {
    standins = await standinPath();
    evidenceDir = await mkdtemp(join(tmpdir(), 'rollback-host-evidence-'));
    const backups = join(standins.dir, 'backup');
    live = join(standins.dir, 'live');
    await mkdir(join(backups, 'v0.7.0'), { recursive: true });
    await writeFile(join(backups, 'v0.7.0', 'VERSION'), 'v0.7.0\n');
    await mkdir(live, { recursive: true });
    await writeFile(join(live, 'VERSION'), 'v0.8.0\n');
    await standins.setUnitState('local', UNIT, 'active');
    // What `systemctl show` tells about the broken unit: a real process, restarts, secrets in its environment.
    await writeHostState(
      standins,
      'local',
      `${UNIT}.show`,
      [
        `MainPID=${app.pid}`,
        'NRestarts=4',
        `Environment=LANG=C.UTF-8 DB_PASSWORD=${SECRETS.dbPassword} SLACK_BOT_TOKEN=${SECRETS.slackBot}`,
      ].join('\n'),
    );
    await standins.addJournal(
      'local',
      UNIT,
      [
        'filesapp[4242]: listening on :8080',
        `filesapp[4242]: ERROR db connect failed: postgres://app:${SECRETS.urlPassword}@db:5432/app`,
        `filesapp[4242]: ERROR upstream refused Authorization: Bearer ${SECRETS.bearer}`,
        'filesapp[4242]: health check fail: 3 in a row',
      ],
      60,
    );
    bot = await startTestBot({
      config: { evidence: { kind: 'directory', directory: evidenceDir, retention: DEFAULT_RETENTION } },
      services: {
        filesapp: {
          name: 'filesapp',
          channel: CHANNEL,
          strategy: 'files',
          files: { path: live, backupDir: backups, unit: UNIT },
        },
      },
      overrides: {
        runnerFactory: createCommandRunnerFactory({ log: silentLogger(), baseEnv: standins.env }),
      },
    });
  });
  afterEach(async () => {
    await bot.close();
    await standins.cleanup();
    await rm(evidenceDir, { recursive: true, force: true });
  });

  it('takes both bundles in the runbook layout, posts the diagnosis and the diff, attaches them, and leaks no secret', async () => {
    const { body } = await bot.slash('filesapp v0.7.0');
    const jobId = /job (filesapp-[a-z0-9]+-[a-z0-9]{4})/.exec(JSON.stringify(body))?.[1] as string;
    await bot.slack.waitFor(() => /Rolled back filesapp/.test(statusMessage(bot)?.text ?? ''), 60_000);
    expect(await readFile(join(live, 'VERSION'), 'utf8')).toBe('v0.7.0\n');
    await bot.slack.waitFor(() => bot.slack.callsTo('files.completeUploadExternal').length === 3, 15_000);

    // Two bundles, broken and post-rollback, each with the host runbook's files.
    const names = await readdir(join(evidenceDir, 'filesapp'));
    const bundles: EvidenceBundle[] = [];
    const raw: Buffer[] = [];
    for (const name of names.sort()) {
      raw.push(await readFile(join(evidenceDir, 'filesapp', name)));
      bundles.push(await readBundle(raw.at(-1)!));
    }
    expect(bundles.map((b) => b.manifest.label).sort()).toEqual(['broken', 'post-rollback']);
    for (const bundle of bundles) {
      expect(bundle.manifest.jobId).toBe(jobId);
      expect(bundle.paths).toEqual(
        expect.arrayContaining([
          'logs/journald.txt',
          'systemd/show.txt',
          'process/snapshot.txt',
          'hardening/report.txt',
        ]),
      );
    }
    const broken = bundles.find((b) => b.manifest.label === 'broken')!;
    expect(broken.text('logs/journald.txt')).toContain('ERROR db connect failed');
    expect(broken.text('systemd/show.txt')).toContain('NRestarts=4');
    expect(broken.text('process/snapshot.txt')).toContain(String(app.pid));
    expect(broken.text('hardening/report.txt')).toMatch(/Overall exposure level for filesapp\.service/);

    // The thread: the quick diagnosis right after the broken state, then the diff after the rollback.
    const thread = threadText(bot);
    expect(thread).toMatch(/Capture the broken state[\s\S]*"error" lines[\s\S]*db connect failed/);
    expect(thread).toMatch(/"fail" lines[\s\S]*health check fail/);
    expect(thread).toMatch(/Capture the state after the rollback[\s\S]*post-rollback vs broken: matches/);
    const evidenceReplies = (statusMessage(bot)?.replies ?? []).filter((r) => /^\*Capture the/.test(r.text));
    expect(evidenceReplies).toHaveLength(2);

    // Attached to the thread: both bundles, byte for byte, and the draft.
    const files = bot.slack.files();
    expect(files.map((f) => f.title)).toEqual([
      expect.stringMatching(/^Evidence \(broken\): host /),
      expect.stringMatching(/^Evidence \(post-rollback\): host /),
      expect.stringMatching(/^Post-mortem draft: filesapp .*→ backup v0\.7\.0$/),
    ]);
    expect(
      files
        .slice(0, 2)
        .map((f) => f.bytes!.length)
        .sort(),
    ).toEqual(raw.map((r) => r.length).sort());
    const draft = files[2]?.content ?? '';
    expect(draft).toMatch(/Step ended: evidence-broken: done/);
    // The bot ticked what it knows: the unit checked and the post-rollback bundle taken.
    expect(draft).toMatch(/\[x\] Collect the post-rollback bundle.*rollback-bot/);

    // Redaction: no planted secret in a bundle (packed or unpacked), the thread, an upload or the draft.
    const everything = [
      thread,
      draft,
      ...raw.map((r) => r.toString('latin1')),
      ...bundles.flatMap((b) => b.paths.map((p) => b.text(p) ?? '')),
      ...files.map((f) => f.bytes?.toString('latin1') ?? ''),
    ].join('\n');
    for (const secret of PLANTED_SECRETS) expect(everything).not.toContain(secret);
    expect(broken.text('systemd/show.txt')).toMatch(/DB_PASSWORD=\S*REDACTED/i);
  }, 120_000);
});
