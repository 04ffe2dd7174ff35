import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readBundle } from '../../src/evidence/bundle/read-bundle.js';
import { DEFAULT_RETENTION } from '../../src/evidence/evidence-store.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import type { FakeMessage } from '../support/fake-slack/types.js';
import { PLANTED_SECRETS, SECRETS } from '../support/planted-secrets.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';

const CHANNEL = 'C0DEPLOYS';
const API_TOKEN = 'pipeline-token-0123456789';

function statusMessage(bot: TestBot): FakeMessage | undefined {
  return bot.slack.messages(CHANNEL).find((m) => m.text.startsWith('Rollback of kaizen'));
}

function threadText(bot: TestBot): string {
  return (statusMessage(bot)?.replies ?? []).map((r) => r.text).join('\n');
}

describe('evidence in a Kubernetes rollback, end to end through Slack, BullMQ and the cluster', () => {
  let kube: FakeKube;
  let bot: TestBot;
  let health: Server;
  let evidenceDir: string;

  beforeAll(async () => {
    health = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ version: 'v0.7.0' }));
    });
    await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => health.close(resolve));
  });

  beforeEach(async () => {
    evidenceDir = await mkdtemp(join(tmpdir(), 'rollback-evidence-'));
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 2 });
    kube.setPodLogs('kaizen:v0.7.0', ['2025-11-22T01:00:00Z INFO listening on :8080']);
    kube.setPodLogs('kaizen:v0.8.0', [
      '2025-11-22T01:40:00Z INFO listening on :8080',
      `2025-11-22T01:40:01Z ERROR db connect failed: postgres://kaizen:${SECRETS.urlPassword}@db:5432/kaizen`,
      `2025-11-22T01:40:02Z ERROR upstream said 401 for token ${SECRETS.github}`,
      '2025-11-22T01:40:03Z WARN retry failed after 3 attempts',
    ]);
    const port = (health.address() as AddressInfo).port;
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      config: {
        apiToken: API_TOKEN,
        evidence: {
          kind: 'directory',
          directory: evidenceDir,
          retention: DEFAULT_RETENTION,
        },
      },
      services: {
        kaizen: {
          name: 'kaizen',
          channel: CHANNEL,
          strategy: 'kubernetes',
          kubernetes: { namespace: 'default', deployment: 'kaizen', container: 'kaizen', image: 'kaizen' },
          verify: { healthUrl: `http://127.0.0.1:${port}/health`, expectStatus: 200 },
        },
      },
    });
  });
  afterEach(async () => {
    await bot.close();
    await kube.close();
    await rm(evidenceDir, { recursive: true, force: true });
  });

  it('captures the broken state first and the state after verification, with the diagnosis and the diff in the thread', async () => {
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    const { body } = await bot.slash('kaizen v0.7.0 --reason "errors after v0.8.0"');
    expect(JSON.stringify(body)).toContain('Capture the broken state');
    await bot.slack.waitFor(() => /Rolled back kaizen/.test(statusMessage(bot)?.text ?? ''), 20_000);
    await bot.slack.waitFor(() => /post-mortem/i.test(JSON.stringify(statusMessage(bot)?.replies)), 5_000);

    const thread = threadText(bot);
    // The quick diagnosis: the broken pods' last error and fail lines, redacted.
    expect(thread).toMatch(/Capture the broken state[\s\S]*Last 4 "error" lines[\s\S]*db connect failed/);
    expect(thread).toMatch(/Last 4 "fail" lines[\s\S]*retry failed after 3 attempts/);
    // The diff: no baseline was taken, so the state after the rollback is compared with the broken one.
    expect(thread).toMatch(/post-rollback vs broken: matches, except: .*error lines? gone/);
    expect(thread).toContain('kaizen:v0.8.0 → kaizen:v0.7.0');
    for (const secret of PLANTED_SECRETS) expect(thread).not.toContain(secret);

    // Two thread messages for the evidence: the diagnosis and the diff.
    const evidenceReplies = (statusMessage(bot)?.replies ?? []).filter((r) => /Capture the/.test(r.text));
    expect(evidenceReplies).toHaveLength(2);
    // Slack calls: the evidence adds those two thread posts and nothing else.
    const threadPosts = bot.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts !== undefined);
    expect(threadPosts).toHaveLength((statusMessage(bot)?.replies ?? []).length);

    // Both bundles (under EVIDENCE_SLACK_MAX_BYTES, 2 MiB by default) and the draft are attached to the
    // thread with the external upload flow, each once, after the checklists.
    await bot.slack.waitFor(() => bot.slack.callsTo('files.completeUploadExternal').length === 3, 10_000);
    const shared = (statusMessage(bot)?.replies ?? []).flatMap((r) => r.files ?? []).map((f) => f.title);
    expect(shared).toEqual([
      expect.stringMatching(/^Evidence \(broken\): deployment default\/kaizen/),
      expect.stringMatching(/^Evidence \(post-rollback\): deployment default\/kaizen/),
      expect.stringMatching(/^Post-mortem draft: kaizen v0\.8\.0 .*→ v0\.7\.0$/),
    ]);
    const uploaded = bot.slack.files();
    expect((await readBundle(uploaded[0]!.bytes!)).manifest.label).toBe('broken');
    expect(uploaded[2]?.content).toContain('## Root cause');
    for (const secret of PLANTED_SECRETS)
      for (const file of uploaded) expect(file.bytes!.toString('latin1')).not.toContain(secret);

    const files = (await readdir(join(evidenceDir, 'kaizen'))).sort();
    expect(files).toHaveLength(2);
    const bundles = await Promise.all(
      files.map(async (f) => readBundle(await readFile(join(evidenceDir, 'kaizen', f)))),
    );
    const labels = bundles.map((b) => b.manifest.label).sort();
    expect(labels).toEqual(['broken', 'post-rollback']);
    const broken = bundles.find((b) => b.manifest.label === 'broken');
    expect(broken?.manifest.jobId).toMatch(/^kaizen-/);
    expect(broken?.text('kubernetes/deployment.yaml')).toContain('kaizen:v0.8.0');
    const raw = (await Promise.all(files.map((f) => readFile(join(evidenceDir, 'kaizen', f))))).map((b) =>
      b.toString('latin1'),
    );
    for (const secret of PLANTED_SECRETS) for (const text of raw) expect(text).not.toContain(secret);

    // The report page lists both bundles and serves them, with the post-mortem draft, under its own access.
    const jobId = /job (kaizen-[a-z0-9]+-[a-z0-9]{4})/.exec(JSON.stringify(body))?.[1] as string;
    const page = await (await fetch(`${bot.bot.url}/rollbacks/${jobId}`)).text();
    expect(page).toMatch(/<td>broken<\/td>[\s\S]*<td>post-rollback<\/td>/);
    const download = await fetch(`${bot.bot.url}/rollbacks/${jobId}/evidence/0`);
    expect(download.headers.get('content-type')).toBe('application/gzip');
    const served = await readBundle(new Uint8Array(await download.arrayBuffer()));
    expect(served.manifest.label).toBe('broken');
    expect((await fetch(`${bot.bot.url}/rollbacks/${jobId}/evidence/7`)).status).toBe(404);
    const draft = await (await fetch(`${bot.bot.url}/rollbacks/${jobId}/postmortem.md`)).text();
    expect(draft).toContain(`# Post-mortem draft: kaizen rollback`);
    expect(draft).toMatch(/Rollback requested.*alice/);
    expect(draft).toMatch(/Step ended: evidence-broken: done/);
    expect(draft).toMatch(/\*\*post-rollback vs broken\*\*: differs: .*error lines? gone/);
    expect(draft).toContain('## Root cause');
    for (const secret of PLANTED_SECRETS) expect(draft).not.toContain(secret);
    // From elsewhere: the page's own rules apply to the bundle too.
    const forwarded = await fetch(`${bot.bot.url}/rollbacks/${jobId}/evidence/0`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(forwarded.status).toBe(403);
  });

  it('takes snapshots through the API (the pipeline baseline) and Slack; the rollback compares with the baseline', async () => {
    const snapshot = (token?: string, body: unknown = {}) =>
      fetch(`${bot.bot.url}/api/services/kaizen/snapshots`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    expect((await snapshot()).status).toBe(401);
    expect((await snapshot(API_TOKEN, { label: 'Not A Label' })).status).toBe(400);
    const taken = await snapshot(API_TOKEN, { requestedBy: 'deploy-pipeline' });
    expect(taken.status).toBe(201);
    const baseline = (await taken.json()) as { label: string; bundles: { id: string }[] };
    expect(baseline.label).toBe('pre-deploy');
    expect(baseline.bundles).toHaveLength(1);

    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    const { body } = await bot.slash('snapshot kaizen --label after-deploy');
    const answer = body.text ?? '';
    const reply = answer.includes('Snapshot of kaizen')
      ? answer
      : (await bot.slack.waitFor(() => bot.slack.callsTo('response_url').length > 0, 10_000),
        JSON.stringify(bot.slack.callsTo('response_url')[0]?.args));
    expect(reply).toContain('Snapshot of kaizen (after-deploy) taken: 1 bundle');

    await bot.slash('kaizen v0.7.0');
    await bot.slack.waitFor(() => /Rolled back kaizen/.test(statusMessage(bot)?.text ?? ''), 20_000);
    await bot.slack.waitFor(() => /post-rollback vs/.test(threadText(bot)), 5_000);
    expect(threadText(bot)).toMatch(/post-rollback vs baseline: matches/);

    const labels = (await readdir(join(evidenceDir, 'kaizen'))).map((f) => f.split('_')[1]).sort();
    expect(labels).toEqual(['after-deploy', 'broken', 'post-rollback', 'pre-deploy']);
    const audit = (await (
      await fetch(`${bot.bot.url}/api/audit?service=kaizen`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      })
    ).json()) as { entries: { type: string; actor: { name: string } }[] };
    const snapshots = audit.entries.filter((e) => e.type === 'snapshot_taken').map((e) => e.actor.name);
    expect(snapshots.sort()).toEqual(['alice', 'deploy-pipeline'].sort());
  });
});
