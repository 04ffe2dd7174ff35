import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { newJobId } from '../../src/rollback/new-job-id.js';
import { initialSnapshot } from '../../src/rollback/snapshot-tracker.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { RedisRollbackIndex } from '../../src/stores/redis-rollback-index.js';
import { PLANTED_SECRETS, SECRETS } from '../support/planted-secrets.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';
import { standinPath, type StandinPath } from '../support/standins/standin-path.js';
import { testPlan } from '../support/test-plan.js';
import { runCli } from './run-cli.js';

const UNIT = 'filesapp.service';

/** The rows of the draft's timeline table, in order (header and rule left out). */
const timelineRows = (draft: string): string[] =>
  (draft.split('## Timeline')[1]?.split('## Versions')[0] ?? '')
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Time (UTC)'));

describe('rollback-bot snapshot and postmortem, the compiled CLI against real Redis and command stand-ins', () => {
  const prefix = testPrefix('cli-evidence');
  const redis = new Redis(TEST_REDIS_URL);
  const progress = new RedisProgressStore(redis, new RedisKeys(prefix));
  const index = new RedisRollbackIndex(redis, new RedisKeys(prefix));
  let standins: StandinPath;
  let servicesDir: string;
  let evidenceDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    standins = await standinPath();
    servicesDir = await mkdtemp(join(tmpdir(), 'cli-evidence-services-'));
    evidenceDir = await mkdtemp(join(tmpdir(), 'cli-evidence-bundles-'));
    const live = join(standins.dir, 'live');
    await mkdir(join(standins.dir, 'backup', 'v0.7.0'), { recursive: true });
    await mkdir(live, { recursive: true });
    const service = {
      name: 'filesapp',
      channel: 'C0DEPLOYS',
      strategy: 'files',
      files: { path: live, backupDir: join(standins.dir, 'backup'), unit: UNIT },
    };
    await writeFile(join(servicesDir, 'filesapp.yaml'), stringify(service));
    await standins.addJournal('local', UNIT, [`filesapp[7]: ERROR login failed token=${SECRETS.github}`], 30);
    env = {
      ...standins.env,
      REDIS_PREFIX: prefix,
      SERVICES_DIR: servicesDir,
      EVIDENCE_DIR: evidenceDir,
    };
  });
  afterAll(async () => {
    redis.disconnect();
    await deletePrefix(prefix);
    await standins.cleanup();
    await rm(servicesDir, { recursive: true, force: true });
    await rm(evidenceDir, { recursive: true, force: true });
  });

  it('snapshot takes a bundle now and exits 0; --json prints what was kept', async () => {
    const text = await runCli(['snapshot', 'filesapp', '--label', 'pre-deploy'], env);
    expect(text.stderr).toBe('');
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/pre-deploy/);
    const json = await runCli(['snapshot', 'filesapp', '--json'], env);
    expect(json.exitCode).toBe(0);
    const reply = JSON.parse(json.stdout) as { kind: string; text: string };
    expect(reply.kind).toBe('notice');
    expect(reply.text).toMatch(/Snapshot of filesapp/);
    const kept = await readdir(join(evidenceDir, 'filesapp'));
    expect(kept).toHaveLength(2);
    expect(kept.filter((name) => name.includes('_pre-deploy_'))).toHaveLength(1);
    for (const secret of PLANTED_SECRETS) expect(text.stdout + json.stdout).not.toContain(secret);
  });

  it('snapshot refuses an unknown service and a bad label with exit 2, and exits 4 when Redis is down', async () => {
    const unknown = await runCli(['snapshot', 'nosuch'], env);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stdout + unknown.stderr).toMatch(/nosuch/);
    const bad = await runCli(['snapshot', 'filesapp', '--label', 'Not A Label!'], env);
    expect(bad.exitCode).toBe(2);
    const down = await runCli(['snapshot', 'filesapp'], { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(down.exitCode).toBe(4);
  });

  it('postmortem prints the draft of a rollback (exit 0) and refuses an unknown job (exit 2)', async () => {
    const jobId = newJobId('filesapp');
    const plan = testPlan(jobId, ['restore']);
    plan.service = 'filesapp';
    const snapshot = initialSnapshot(plan);
    snapshot.state = 'succeeded';
    snapshot.reason = `errors after deploy, token ${SECRETS.slackBot}`;
    snapshot.checklists = [
      {
        id: 'post-mortem',
        title: 'Post-mortem',
        items: [
          {
            id: 'root-cause',
            text: 'Document the root cause',
            done: true,
            by: { id: 'U0ALICE', name: 'alice', source: 'slack' },
            at: '2026-12-03T18:00:00.000Z',
          },
        ],
      },
    ];
    await progress.publish(snapshot);

    const draft = await runCli(['postmortem', jobId], env);
    expect(draft.stderr).toBe('');
    expect(draft.exitCode).toBe(0);
    expect(draft.stdout).toMatch(/^# Post-mortem draft: filesapp rollback/);
    expect(draft.stdout).toMatch(/\[x\] Document the root cause.*alice/);
    expect(draft.stdout).toContain('## Root cause');
    expect(draft.stdout).not.toContain(SECRETS.slackBot);
    // No incident linked: the timeline opens with an undated line asking for when it was first seen.
    expect(timelineRows(draft.stdout)[0]).toBe(
      '|   | Detected: not recorded (no incident linked); fill in when the problem was first seen |   |',
    );

    const unknown = await runCli(['postmortem', 'filesapp-zzzzzz-0000'], env);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/No rollback with id "filesapp-zzzzzz-0000"/);
  });

  it("postmortem opens the timeline with the linked PagerDuty incident's triggering, at its time", async () => {
    const jobId = newJobId('filesapp');
    const plan = testPlan(jobId, ['restore']);
    plan.service = 'filesapp';
    plan.request.incident = {
      id: 'Q2KPW3SL0BGXXN',
      url: 'https://acme.pagerduty.com/incidents/Q2KPW3SL0BGXXN',
      number: 2,
      createdAt: '2026-04-09T15:16:27Z',
    };
    await index.record(plan);
    await progress.publish({ ...initialSnapshot(plan), state: 'succeeded' });

    const draft = await runCli(['postmortem', jobId], env);
    expect(draft.exitCode).toBe(0);
    const rows = timelineRows(draft.stdout);
    expect(rows[0]).toBe('| 2026-04-09T15:16:27Z | Detected: PagerDuty incident #2 triggered | PagerDuty |');
    expect(rows[1]).toMatch(/^\| \d{4}-\d\d-\d\dT[\d:.]+Z \| Rollback requested \| alice \|$/);
    expect(draft.stdout).not.toContain('Detected: not recorded');
  });
});
