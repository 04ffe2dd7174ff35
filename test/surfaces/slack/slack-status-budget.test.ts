import { webApi } from '@slack/bolt';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/config/catalog.js';
import { serviceSchema } from '../../../src/config/service-schema.js';
import { RetryLaterError } from '../../../src/errors/retry-later-error.js';
import { ChecklistService } from '../../../src/rollback/checklist-service.js';
import { newJobId } from '../../../src/rollback/new-job-id.js';
import type { ProgressSnapshot } from '../../../src/rollback/progress-snapshot.js';
import { initialSnapshot } from '../../../src/rollback/snapshot-tracker.js';
import { RedisKeys } from '../../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../../src/stores/redis-progress-store.js';
import { RedisRollbackIndex } from '../../../src/stores/redis-rollback-index.js';
import { RedisSlackStatusStore } from '../../../src/stores/redis-slack-status-store.js';
import type { SlackStatusStore } from '../../../src/stores/slack-status-store.js';
import { SlackStatusSurface } from '../../../src/surfaces/slack/slack-status-surface.js';
import { quietLogger, startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.js';
import { kaizenService } from '../../support/kaizen-service.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../../support/redis-test-prefix.js';
import { testPlan } from '../../support/test-plan.js';

const prefix = testPrefix('slack-budget');
const redis = new Redis(TEST_REDIS_URL);
const keys = new RedisKeys(prefix);
const progress = new RedisProgressStore(redis, keys);
const index = new RedisRollbackIndex(redis, keys);
const store = new RedisSlackStatusStore(redis, keys);
const catalog = new Catalog([serviceSchema.parse(kaizenService())]);
const CHANNEL = 'C0DEPLOYS';
let slack: FakeSlack;
let clock = 1_000_000;

function surface(statusStore: SlackStatusStore = store): SlackStatusSurface {
  const client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: slack.url,
    logger: quietLogger,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  return new SlackStatusSurface({
    client,
    store: statusStore,
    progress,
    index,
    catalog,
    updateIntervalMs: 1_000,
    now: () => clock,
  });
}

async function rollback(steps: string[]): Promise<ProgressSnapshot> {
  const plan = testPlan(newJobId('kaizen'), steps);
  plan.request.channel = CHANNEL;
  await index.record(plan);
  const snapshot = initialSnapshot(plan);
  await progress.publish(snapshot);
  return snapshot;
}

async function next(snapshot: ProgressSnapshot, change: (s: ProgressSnapshot) => void) {
  const draft = structuredClone(snapshot);
  change(draft);
  draft.version += 1;
  await progress.publish(draft);
  return draft;
}

const at = () => new Date(clock).toISOString();
const deferral = (promise: Promise<unknown>) => promise.then(() => undefined).catch((e: unknown) => e);

beforeEach(async () => {
  slack = await startFakeSlack();
});
afterEach(async () => {
  await slack.close();
});
afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

describe('Slack status surface: call budget and crash safety', () => {
  it('coalesces intermediate changes into one update per interval; the final state is drawn at once', async () => {
    let s = await rollback(['precheck', 'rollback']);
    await surface().sync(s.jobId);
    for (let i = 0; i < 5; i++) s = await next(s, (d) => void (d.steps[0]!.summary = `check ${i}`));
    clock += 200;
    const early = await deferral(surface().sync(s.jobId));
    expect(early).toBeInstanceOf(RetryLaterError);
    expect(early).toMatchObject({ code: 'render_deferred', retryAfterMs: 800 });
    expect(slack.callsTo('chat.update')).toHaveLength(0);

    clock += 800;
    await surface().sync(s.jobId);
    expect(slack.callsTo('chat.update')).toHaveLength(1);
    s = await next(s, (d) => void (d.state = 'succeeded'));
    clock += 10;
    await surface().sync(s.jobId);
    expect(slack.callsTo('chat.update')).toHaveLength(2);
    expect(slack.messages(CHANNEL)[0]?.text).toMatch(/Rolled back kaizen/);
  });

  it('one thread reply per step, edited in place as the step adds details', async () => {
    let s = await rollback(['precheck', 'rollback']);
    await surface().sync(s.jobId);
    s = await next(s, (d) => {
      d.state = 'running';
      d.steps[0]!.state = 'done';
      for (const line of ['pod a ready', 'pod b ready', 'pod c ready'])
        d.details.push({ stepId: 'precheck', at: at(), text: line });
    });
    clock += 1_000;
    await surface().sync(s.jobId);
    s = await next(s, (d) => {
      d.steps[1]!.state = 'running';
      d.details.push({ stepId: 'rollback', at: at(), text: 'image set to v0.7.0' });
    });
    clock += 1_000;
    await surface().sync(s.jobId);
    s = await next(s, (d) => {
      d.state = 'succeeded';
      d.steps[1]!.state = 'done';
      d.details.push({ stepId: 'rollback', at: at(), text: '3/3 pods updated' });
    });
    await surface().sync(s.jobId);
    const replies = slack.messages(CHANNEL)[0]?.replies ?? [];
    expect(replies.map((r) => r.text.split('\n')[0])).toEqual(['*Step precheck*', '*Step rollback*']);
    expect(replies[0]?.text).toMatch(/pod a ready[\s\S]*pod b ready[\s\S]*pod c ready/);
    expect(replies[1]?.text).toMatch(/image set to v0\.7\.0[\s\S]*3\/3 pods updated/);
    expect(replies[1]?.updates).toBe(1);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(3);
  });

  it('a rollback that ends while thread replies are being drawn shows its final state before the rest of them', async () => {
    await slack.close();
    slack = await startFakeSlack({ latencyMs: 100 });
    let s = await rollback(['precheck', 'rollback', 'verify']);
    await surface().sync(s.jobId);
    s = await next(s, (d) => {
      d.state = 'running';
      for (const step of d.steps) {
        step.state = 'done';
        d.details.push({ stepId: step.id, at: at(), text: `${step.id}: 3/3 pods ready` });
      }
    });
    const drawing = surface().sync(s.jobId);
    // The first thread reply is on its way to Slack when the rollback ends.
    await slack.waitFor(() =>
      slack.callsTo('chat.postMessage').some((c) => c.args['thread_ts'] !== undefined),
    );
    await next(s, (d) => {
      d.state = 'succeeded';
    });
    await drawing;
    const order = slack.calls
      .filter((c) => c.method === 'chat.update' || c.args['thread_ts'] !== undefined)
      .map((c) => (c.method === 'chat.update' ? 'final status' : String(c.args['text']).split('\n')[0]));
    expect(order).toEqual(['*Step precheck*', 'final status', '*Step rollback*', '*Step verify*']);
    const [status] = slack.messages(CHANNEL);
    expect(status?.text).toMatch(/Rolled back kaizen/);
    expect(status?.replies).toHaveLength(3);
  });

  it('a checklist tick redraws only the checklists message: one Web API call, the status message untouched', async () => {
    let s = await rollback(['precheck']);
    s = await next(s, (d) => {
      d.state = 'succeeded';
      d.steps[0]!.state = 'done';
      d.checklists = [
        { id: 'verify', title: 'Verify by hand', items: [{ id: 'alerts', text: 'Alerts are not firing' }] },
      ];
    });
    await surface().sync(s.jobId);
    const [status] = slack.messages(CHANNEL);
    const checklists = status?.replies.find((r) => r.text.startsWith('Checklists:'));
    expect(checklists).toBeDefined();
    const before = slack.calls.length;
    const statusUpdates = status?.updates ?? 0;

    const ticks = new ChecklistService({ progress });
    const tick = { jobId: s.jobId, listId: 'verify', itemId: 'alerts' };
    await ticks.set({ ...tick, done: true, by: { id: 'U0ALICE', name: 'alice', source: 'slack' } });
    clock += 10;
    await surface().sync(s.jobId);
    const calls = slack.calls.slice(before);
    expect(calls.map((c) => `${c.method} ${String(c.args['ts'])}`)).toEqual([
      `chat.update ${checklists?.ts}`,
    ]);
    expect(JSON.stringify(slack.messages(CHANNEL)[0]?.replies.at(-1)?.blocks)).toContain('alice at');
    expect(slack.messages(CHANNEL)[0]?.updates).toBe(statusUpdates);

    // Unticking is one call too; a render with nothing new makes none.
    await ticks.set({ ...tick, done: false, by: { id: 'U0BOB', name: 'bob', source: 'slack' } });
    clock += 10;
    await surface().sync(s.jobId);
    await surface().sync(s.jobId);
    expect(slack.calls.slice(before).map((c) => c.method)).toEqual(['chat.update', 'chat.update']);
  });

  it('a post that reached Slack but was not recorded (crash) is found by its metadata, not posted again', async () => {
    let s = await rollback(['precheck']);
    let crash = true;
    const crashing: SlackStatusStore = Object.assign(Object.create(store) as SlackStatusStore, {
      bind: async (...args: Parameters<SlackStatusStore['bind']>) => {
        if (crash) throw new Error('process died before recording the post');
        return store.bind(...args);
      },
      bindStep: async (...args: Parameters<SlackStatusStore['bindStep']>) => {
        if (crash) throw new Error('process died before recording the reply');
        return store.bindStep(...args);
      },
    });
    await expect(surface(crashing).sync(s.jobId)).rejects.toThrow(/process died/);
    crash = false;
    await surface().sync(s.jobId);
    expect(slack.messages(CHANNEL)).toHaveLength(1);

    s = await next(s, (d) => {
      d.state = 'succeeded';
      d.steps[0]!.state = 'done';
      d.details.push({ stepId: 'precheck', at: at(), text: '3/3 pods ready' });
    });
    crash = true;
    await expect(surface(crashing).sync(s.jobId)).rejects.toThrow(/process died/);
    crash = false;
    await surface().sync(s.jobId);
    const [status] = slack.messages(CHANNEL);
    expect(status?.replies).toHaveLength(1);
    expect(status?.text).toMatch(/Rolled back kaizen/);
    expect(slack.callsTo('conversations.history')).toHaveLength(1);
    expect(slack.callsTo('conversations.replies')).toHaveLength(1);
  });
});
