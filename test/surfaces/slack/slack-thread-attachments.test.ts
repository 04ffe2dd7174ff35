import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webApi } from '@slack/bolt';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/config/catalog.js';
import { serviceSchema } from '../../../src/config/service-schema.js';
import { RetryableError } from '../../../src/errors/rollback-error.js';
import { readBundle } from '../../../src/evidence/bundle/read-bundle.js';
import { DirectoryEvidenceStore } from '../../../src/evidence/stores/directory-evidence-store.js';
import { EvidenceAttachments } from '../../../src/evidence/thread-attachments.js';
import { newJobId } from '../../../src/rollback/new-job-id.js';
import type { ProgressSnapshot } from '../../../src/rollback/progress-snapshot.js';
import { initialSnapshot } from '../../../src/rollback/snapshot-tracker.js';
import { RedisKeys } from '../../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../../src/stores/redis-progress-store.js';
import { RedisRollbackIndex } from '../../../src/stores/redis-rollback-index.js';
import { RedisSlackStatusStore } from '../../../src/stores/redis-slack-status-store.js';
import type { SlackStatusStore } from '../../../src/stores/slack-status-store.js';
import { SlackStatusSurface } from '../../../src/surfaces/slack/slack-status-surface.js';
import { craftBundle } from '../../support/crafted-bundles.js';
import { quietLogger, startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.js';
import { kaizenService } from '../../support/kaizen-service.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../../support/redis-test-prefix.js';
import { testPlan } from '../../support/test-plan.js';

const prefix = testPrefix('slack-attach');
const redis = new Redis(TEST_REDIS_URL);
const keys = new RedisKeys(prefix);
const progress = new RedisProgressStore(redis, keys);
const index = new RedisRollbackIndex(redis, keys);
const statusStore = new RedisSlackStatusStore(redis, keys);
const catalog = new Catalog([serviceSchema.parse(kaizenService())]);
const CHANNEL = 'C0DEPLOYS';
const REPORT = 'http://rollback.test/rollbacks';
let slack: FakeSlack;
let dir: string;
let evidence: DirectoryEvidenceStore;
/** The limit: exactly the small bundle's size (a bundle at the limit is attached). */
let limit = 0;

function surface(store: SlackStatusStore = statusStore, maxBytes = limit): SlackStatusSurface {
  const client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: slack.url,
    logger: quietLogger,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const reportUrl = (jobId: string) => `${REPORT}/${jobId}?sig=abc`;
  return new SlackStatusSurface({
    client,
    store,
    progress,
    index,
    catalog,
    updateIntervalMs: 0,
    attachments: new EvidenceAttachments({
      progress,
      store: evidence,
      maxBytes,
      reportUrl,
      now: () => new Date('2026-01-02T03:20:00Z'),
    }),
  });
}

/** A finished rollback that took a small broken-state bundle and a large post-rollback one. */
async function finishedRollback(): Promise<{ snapshot: ProgressSnapshot; small: Buffer }> {
  const jobId = newJobId('kaizen');
  const plan = testPlan(jobId, ['rollback']);
  plan.request.channel = CHANNEL;
  await index.record(plan);
  const small = await craftBundle({
    label: 'broken',
    takenAt: '2026-01-02T03:04:05Z',
    files: { 'logs/journald.txt': 'ERROR boom\npassword=hunter2-planted\n' },
  });
  // Random bytes do not compress: this bundle stays over the limit.
  const noise = Array.from({ length: 3000 }, () => Math.random().toString(36)).join('\n');
  const large = await craftBundle({
    label: 'post-rollback',
    takenAt: '2026-01-02T03:14:05Z',
    files: { 'logs/journald.txt': noise },
  });
  limit = small.data.length;
  expect(large.data.length).toBeGreaterThan(limit);
  const refs = [];
  for (const b of [small, large]) {
    const stored = await evidence.put(b.data, { ...b.bundle.manifest, jobId });
    refs.push({
      id: stored.id,
      label: stored.label,
      target: 'host web-1 (kaizen.service)',
      bytes: stored.bytes,
      failed: [],
    });
  }
  const snapshot = initialSnapshot(plan);
  snapshot.state = 'succeeded';
  snapshot.steps[0]!.state = 'done';
  snapshot.evidence = refs;
  snapshot.checklists = [{ id: 'verify', title: 'Verify', items: [{ id: 'health', text: 'Health 200' }] }];
  snapshot.version += 1;
  await progress.publish(snapshot);
  return { snapshot, small: small.data };
}

const thread = () => slack.messages(CHANNEL)[0]?.replies ?? [];
const fileReplies = () => thread().filter((m) => (m.files ?? []).length > 0);
const uploadCalls = () =>
  slack.calls
    .map((c) => c.method)
    .filter((m) => (m.startsWith('files.') && m !== 'files.list') || m === 'file_upload');

beforeEach(async () => {
  slack = await startFakeSlack();
  dir = await mkdtemp(join(tmpdir(), 'attach-evidence-'));
  evidence = new DirectoryEvidenceStore(dir);
});
afterEach(async () => {
  await slack.close();
  await rm(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

describe('Slack thread attachments: evidence bundles and the post-mortem draft', () => {
  it('uploads the small bundle intact and the draft, which links the bundle too large for Slack', async () => {
    const { snapshot, small } = await finishedRollback();
    await surface().sync(snapshot.jobId);

    const files = slack.files();
    expect(files.map((f) => f.completed)).toEqual([true, true]);
    expect(Buffer.compare(files[0]!.bytes!, small)).toBe(0);
    const opened = await readBundle(files[0]!.bytes!);
    expect(opened.manifest.label).toBe('broken');
    expect(files[1]?.filename).toBe(`postmortem-${snapshot.jobId}.md`);
    expect(files[1]?.content).toMatch(/# Post-mortem/i);
    expect(files.map((f) => f.content).join('\n')).not.toContain('hunter2-planted');

    // Both are shared in the status message's thread, after the checklists.
    expect(thread().map((m) => (m.files ?? []).map((f) => f.title))).toEqual([
      [],
      ['Evidence (broken): host web-1 (kaizen.service)'],
      ['Post-mortem draft: kaizen v0.8.0 → v0.7.0'],
    ]);
    const draftNote = thread().at(-1)?.text ?? '';
    expect(draftNote).toContain('Evidence too large to attach here');
    expect(draftNote).toContain(`${REPORT}/${snapshot.jobId}/evidence/1?sig=abc`);
    // The attached draft is a snapshot and says so, in the file and in its message, with the live one's link.
    const live = `${REPORT}/${snapshot.jobId}/postmortem.md?sig=abc`;
    expect(draftNote).toContain(`snapshot taken when the rollback ended; the live draft`);
    expect(draftNote).toContain(`<${live}|postmortem.md on the report page>`);
    const [title, blank, note] = (files[1]?.content ?? '').split('\n');
    expect(title).toMatch(/^# Post-mortem draft: kaizen/);
    expect(blank).toBe('');
    expect(note).toBe(
      `> **Snapshot** of this post-mortem draft, taken 2026-01-02T03:20:00.000Z when the rollback ended ` +
        `(attached to the Slack thread); the live draft, with every later checklist tick and notification, ` +
        `is at <${live}>.`,
    );
    // Two Web API calls per file, plus the POST of its bytes.
    expect(uploadCalls()).toEqual([
      'files.getUploadURLExternal',
      'file_upload',
      'files.completeUploadExternal',
      'files.getUploadURLExternal',
      'file_upload',
      'files.completeUploadExternal',
    ]);
    const listed = await new webApi.WebClient('xoxb-test', {
      slackApiUrl: slack.url,
      logger: quietLogger,
    }).files.list({
      channel: CHANNEL,
    });
    expect(listed.files?.map((f) => f.name)).toEqual(files.map((f) => f.filename));

    // Later renders (a checklist tick) upload nothing again.
    snapshot.version += 1;
    await progress.publish(snapshot);
    await surface().sync(snapshot.jobId);
    expect(uploadCalls()).toHaveLength(6);
  });

  it('without report links (no PUBLIC_URL) the snapshot note names the command and path of the live draft', async () => {
    const { snapshot } = await finishedRollback();
    const source = new EvidenceAttachments({ progress, store: evidence, maxBytes: limit });
    const draft = (await source.attachmentsOf(snapshot)).find((f) => f.key === 'postmortem');
    expect(draft?.comment).toContain(`the live draft: \`rollback-bot postmortem ${snapshot.jobId}\``);
    const text = Buffer.from((await draft?.load()) ?? []).toString('utf8');
    expect(text.split('\n')[2]).toMatch(
      new RegExp(
        `^> \\*\\*Snapshot\\*\\* .*: \`rollback-bot postmortem ${snapshot.jobId}\` or .*\`/rollbacks/${snapshot.jobId}/postmortem\\.md\`\\)\\.$`,
      ),
    );
  });

  it('retries an upload Slack refused, without sharing anything twice', async () => {
    const { snapshot } = await finishedRollback();
    slack.failHttpNext('file_upload', 503);
    const failed = await surface()
      .sync(snapshot.jobId)
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(RetryableError);
    expect(fileReplies()).toHaveLength(0);

    await surface().sync(snapshot.jobId);
    expect(fileReplies().map((m) => m.files?.[0]?.title)).toEqual([
      'Evidence (broken): host web-1 (kaizen.service)',
      'Post-mortem draft: kaizen v0.8.0 → v0.7.0',
    ]);
  });

  it('a file shared before a crash kept it from being recorded is found with files.info, not uploaded again', async () => {
    const { snapshot } = await finishedRollback();
    let crash = true;
    const crashing: SlackStatusStore = Object.assign(Object.create(statusStore) as SlackStatusStore, {
      recordUpload: async (...args: Parameters<SlackStatusStore['recordUpload']>) => {
        if (crash && args[2].state === 'done') throw new Error('process died before recording the upload');
        return statusStore.recordUpload(...args);
      },
    });
    await expect(surface(crashing).sync(snapshot.jobId)).rejects.toThrow(/process died/);
    crash = false;
    await surface().sync(snapshot.jobId);
    expect(fileReplies()).toHaveLength(2);
    expect(slack.callsTo('files.info')).toHaveLength(1);
    expect(slack.callsTo('files.getUploadURLExternal')).toHaveLength(2);
  });

  it('with EVIDENCE_SLACK_MAX_BYTES below every bundle only the draft goes, linking both bundles', async () => {
    const { snapshot } = await finishedRollback();
    await surface(statusStore, 10).sync(snapshot.jobId);
    expect(slack.files().map((f) => f.filename)).toEqual([`postmortem-${snapshot.jobId}.md`]);
    const note = thread().at(-1)?.text ?? '';
    expect(note).toContain('/evidence/0?sig=abc');
    expect(note).toContain('/evidence/1?sig=abc');
  });
});
