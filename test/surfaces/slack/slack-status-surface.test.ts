import { webApi } from '@slack/bolt';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/config/catalog.js';
import { serviceSchema } from '../../../src/config/service-schema.js';
import { RedisKeys } from '../../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../../src/stores/redis-progress-store.js';
import { RedisRollbackIndex } from '../../../src/stores/redis-rollback-index.js';
import { PermanentError, RetryableError } from '../../../src/errors/rollback-error.js';
import type { ProgressStore } from '../../../src/rollback/ports/progress-store.js';
import type { ProgressSnapshot } from '../../../src/rollback/progress-snapshot.js';
import { newJobId } from '../../../src/rollback/new-job-id.js';
import type { RollbackPlan } from '../../../src/rollback/plan.js';
import { initialSnapshot } from '../../../src/rollback/snapshot-tracker.js';
import { RedisSlackStatusStore } from '../../../src/stores/redis-slack-status-store.js';
import { SlackStatusSurface } from '../../../src/surfaces/slack/slack-status-surface.js';
import { quietLogger, startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.js';
import { kaizenService } from '../../support/kaizen-service.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../../support/redis-test-prefix.js';
import { testPlan } from '../../support/test-plan.js';

const prefix = testPrefix('slack-surface');
const redis = new Redis(TEST_REDIS_URL);
const keys = new RedisKeys(prefix);
const progress = new RedisProgressStore(redis, keys);
const index = new RedisRollbackIndex(redis, keys);
const store = new RedisSlackStatusStore(redis, keys);
const catalog = new Catalog([serviceSchema.parse(kaizenService())]);
const REQUESTED_IN = 'C0DEPLOYS';
let slack: FakeSlack;

function surface(progressStore: ProgressStore = progress): SlackStatusSurface {
  const client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: slack.url,
    logger: quietLogger,
    // The render queue retries with backoff: the surface must report a 429 instead of waiting it out.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  return new SlackStatusSurface({
    client,
    store,
    progress: progressStore,
    index,
    catalog,
    reportUrl: (jobId) => `https://rollback.example/rollbacks/${jobId}`,
    // Every change drawn at once here; spacing intermediate updates out is tested on its own.
    updateIntervalMs: 0,
  });
}

/** A rollback requested in `channel` (null: none, so the service's channel), recorded and published (version 1). */
async function rollback(
  steps: string[] = ['precheck', 'rollback'],
  channel: string | null = REQUESTED_IN,
): Promise<{ plan: RollbackPlan; snapshot: ProgressSnapshot }> {
  const plan = testPlan(newJobId('kaizen'), steps);
  if (channel !== null) plan.request.channel = channel;
  await index.record(plan);
  const snapshot = initialSnapshot(plan);
  await progress.publish(snapshot);
  return { plan, snapshot };
}

/** Publishes the next version of the snapshot with `change` applied. */
async function next(
  snapshot: ProgressSnapshot,
  change: (s: ProgressSnapshot) => void,
): Promise<ProgressSnapshot> {
  const draft = structuredClone(snapshot);
  change(draft);
  draft.version += 1;
  await progress.publish(draft);
  return draft;
}

const sent = () => slack.calls.filter((c) => c.method.startsWith('chat.')).length;

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

describe('Slack status surface', () => {
  it('posts the status message once where the rollback was requested, then updates it in place', async () => {
    const { snapshot } = await rollback();
    await surface().sync(snapshot.jobId);
    const [posted] = slack.messages(REQUESTED_IN);
    expect(slack.messages(REQUESTED_IN)).toHaveLength(1);
    expect(posted?.text).toContain('kaizen');

    await next(snapshot, (s) => {
      s.state = 'running';
      s.steps[0]!.state = 'running';
    });
    await surface().sync(snapshot.jobId);
    expect(slack.messages(REQUESTED_IN)).toEqual([expect.objectContaining({ ts: posted?.ts, updates: 1 })]);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(slack.callsTo('chat.update')).toHaveLength(1);
  });

  it('posts in the service channel when the request named none', async () => {
    const { snapshot } = await rollback(['rollback'], null);
    await surface().sync(snapshot.jobId);
    expect(slack.messages('C0INCIDENT')).toHaveLength(1);
  });

  it('posts each detail once in the thread, and the checklists once when the rollback ended', async () => {
    const { snapshot } = await rollback();
    const first = await next(snapshot, (s) => {
      s.state = 'running';
      s.details.push({ stepId: 'precheck', at: new Date().toISOString(), text: '3/3 pods ready' });
    });
    await surface().sync(snapshot.jobId);
    await next(first, (s) => {
      s.details.push({ stepId: 'rollback', at: new Date().toISOString(), text: 'image set to v0.7.0' });
      s.state = 'succeeded';
      s.checklists = [
        {
          id: 'verify',
          title: 'Verify by hand',
          items: [{ id: 'error-rate', text: 'Error rate back to normal' }],
        },
      ];
    });
    await surface().sync(snapshot.jobId);
    const [status] = slack.messages(REQUESTED_IN);
    const replies = status?.replies.map((r) => r.text) ?? [];
    expect(replies).toHaveLength(3);
    expect(replies[0]).toContain('3/3 pods ready');
    expect(replies[1]).toContain('image set to v0.7.0');
    expect(replies[2]).toContain('Verify by hand');
  });

  it('changes nothing when run again for a version it already drew', async () => {
    const { snapshot } = await rollback();
    await next(snapshot, (s) => {
      s.state = 'failed';
      s.details.push({ stepId: 'precheck', at: new Date().toISOString(), text: 'pods not ready' });
      s.checklists = [
        { id: 'post-mortem', title: 'Post-mortem', items: [{ id: 'write', text: 'Write it' }] },
      ];
    });
    await surface().sync(snapshot.jobId);
    const before = sent();
    await surface().sync(snapshot.jobId);
    await surface().sync(snapshot.jobId);
    expect(sent()).toBe(before);
    expect(slack.messages(REQUESTED_IN)[0]?.replies).toHaveLength(2);
  });

  it('draws again when a newer snapshot arrives while it draws, until Slack shows the newest', async () => {
    const { snapshot } = await rollback();
    let reads = 0;
    // The third read is the "is there something newer?" check: the worker published meanwhile.
    const publishing: ProgressStore = {
      publish: (s) => progress.publish(s),
      get: async (jobId) => {
        reads += 1;
        if (reads === 2) await next(snapshot, (s) => void (s.state = 'running'));
        return progress.get(jobId);
      },
    };
    await surface(publishing).sync(snapshot.jobId);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(slack.callsTo('chat.update')).toHaveLength(1);
    expect((await store.get(snapshot.jobId))?.renderedVersion).toBe(2);
  });

  it.each([
    [
      'rate limited (429)',
      (method: string) => slack.rateLimitNext(method, 1),
      { code: 'render_deferred', retryAfterMs: 1000 },
    ],
    ['down (HTTP 500)', (method: string) => slack.failHttpNext(method, 500), { code: 'slack_unavailable' }],
  ])('reports Slack %s as retryable, and the retry posts once', async (_name, fault, expected) => {
    const { snapshot } = await rollback();
    fault('chat.postMessage');
    const error = await surface()
      .sync(snapshot.jobId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject(expected);
    expect(slack.messages(REQUESTED_IN)).toHaveLength(0);
    await surface().sync(snapshot.jobId);
    expect(slack.messages(REQUESTED_IN)).toHaveLength(1);
  });

  it('reports an unknown channel as permanent, and frees the render lock', async () => {
    const { snapshot } = await rollback(['rollback'], 'general');
    const error = await surface()
      .sync(snapshot.jobId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({
      code: 'slack_rejected',
      message: 'Slack refused the message: channel_not_found',
    });
    const lock = await store.lock(snapshot.jobId);
    expect(lock).toBeDefined();
    await lock?.release();
  });

  it('reports busy, and draws nothing, while another render of the rollback holds the lock', async () => {
    const { snapshot } = await rollback();
    const held = await store.lock(snapshot.jobId);
    const error = await surface()
      .sync(snapshot.jobId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'render_busy' });
    expect(sent()).toBe(0);
    await held?.release();
    await surface().sync(snapshot.jobId);
    expect(slack.messages(REQUESTED_IN)).toHaveLength(1);
  });
});
