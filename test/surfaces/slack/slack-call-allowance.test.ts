import { webApi } from '@slack/bolt';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/config/catalog.js';
import { serviceSchema } from '../../../src/config/service-schema.js';
import { newJobId } from '../../../src/rollback/new-job-id.js';
import type { ProgressSnapshot } from '../../../src/rollback/progress-snapshot.js';
import { initialSnapshot } from '../../../src/rollback/snapshot-tracker.js';
import { RedisKeys } from '../../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../../src/stores/redis-progress-store.js';
import { RedisRollbackIndex } from '../../../src/stores/redis-rollback-index.js';
import { RedisSlackStatusStore } from '../../../src/stores/redis-slack-status-store.js';
import { callBudget } from '../../../src/surfaces/slack/call-allowance.js';
import { SlackStatusSurface } from '../../../src/surfaces/slack/slack-status-surface.js';
import { quietLogger, startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.js';
import { kaizenService } from '../../support/kaizen-service.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../../support/redis-test-prefix.js';
import { testPlan } from '../../support/test-plan.js';

const prefix = testPrefix('slack-allowance');
const redis = new Redis(TEST_REDIS_URL);
const keys = new RedisKeys(prefix);
const progress = new RedisProgressStore(redis, keys);
const index = new RedisRollbackIndex(redis, keys);
const catalog = new Catalog([serviceSchema.parse(kaizenService())]);
const CHANNEL = 'C0SLOW';
/** Between two snapshots of the slow rollback: longer than the update interval, so every one is due. */
const STEP_MS = 1_500;
let slack: FakeSlack;
let clock = 5_000_000;

/** A fresh surface for every render, as after a restart: what was spent is known from Redis only. */
function render(jobId: string): Promise<unknown> {
  const client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: slack.url,
    logger: quietLogger,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const store = new RedisSlackStatusStore(redis, keys);
  const surface = new SlackStatusSurface({ client, store, progress, index, catalog, now: () => clock });
  // A render told to come back later (rate limit, interval) is simply run again at the next snapshot.
  return surface.sync(jobId).catch((error: unknown) => error);
}

/** Publishes the next snapshot a slow worker would, a while after the last, and renders it. */
async function publish(snapshot: ProgressSnapshot, change: (s: ProgressSnapshot) => void) {
  const next = structuredClone(snapshot);
  change(next);
  next.version += 1;
  clock += STEP_MS;
  await progress.publish(next);
  await render(next.jobId);
  return next;
}

/** A rollback of `steps` steps, each saying `lines` lines one at a time, slowly; ends succeeded. */
async function slowRollback(steps: number, lines: number): Promise<ProgressSnapshot> {
  const plan = testPlan(
    newJobId('kaizen'),
    Array.from({ length: steps }, (_, i) => `step${i + 1}`),
  );
  plan.request.channel = CHANNEL;
  await index.record(plan);
  let s = initialSnapshot(plan);
  await progress.publish(s);
  await render(s.jobId);
  for (const [i, step] of plan.steps.entries()) {
    s = await publish(s, (d) => {
      d.state = 'running';
      d.steps[i]!.state = 'running';
    });
    for (let n = 1; n <= lines; n++)
      s = await publish(s, (d) => {
        d.steps[i]!.summary = `${n}/${lines} pods ready`;
        d.details.push({ stepId: step.id, at: new Date(clock).toISOString(), text: `${step.id} line ${n}` });
      });
    s = await publish(s, (d) => void (d.steps[i]!.state = 'done'));
  }
  s = await publish(s, (d) => {
    d.state = 'succeeded';
    d.checklists = [{ id: 'verify', title: 'Verify by hand', items: [{ id: 'alerts', text: 'No alerts' }] }];
  });
  // Whatever the last render left for later is drawn by the next ones.
  for (let i = 0; i < 3; i++) {
    clock += STEP_MS;
    await render(s.jobId);
  }
  return s;
}

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

describe('Slack status surface: the call budget of a slow rollback', () => {
  it.each([
    [5, 10],
    [8, 16],
  ])(
    '%i slow steps cost at most %i Web API calls, and the status ends on its final state',
    async (steps, budget) => {
      expect(callBudget(steps)).toBe(budget);
      await slowRollback(steps, 3);
      expect(slack.calls.length, slack.calls.map((c) => c.method).join(', ')).toBeLessThanOrEqual(budget);
      const [status, ...others] = slack.messages(CHANNEL);
      expect(others).toEqual([]);
      expect(status?.text).toMatch(/Rolled back kaizen/);
      // What is left of the budget after the posts and the final state went to the status message.
      expect(status?.updates).toBeGreaterThanOrEqual(2);
      // Each step's reply was posted once, when the step ended, with all it said; then the checklists.
      const replies = status?.replies ?? [];
      expect(replies).toHaveLength(steps + 1);
      for (const [i, reply] of replies.slice(0, steps).entries()) {
        expect(reply.text).toMatch(new RegExp(`line 1[\\s\\S]*line 2[\\s\\S]*step${i + 1} line 3`));
        expect(reply.updates).toBe(0);
      }
      expect(replies.at(-1)?.text).toMatch(/^Checklists:/);
    },
  );

  it('a call Slack refused with 429 counts as spent, and the budget still holds', async () => {
    slack.rateLimitNext('chat.update', 1, 2);
    await slowRollback(5, 3);
    const refused = slack.calls.filter((c) => c.status === 429);
    expect(refused).toHaveLength(2);
    expect(slack.calls.length).toBeLessThanOrEqual(10);
    expect(slack.messages(CHANNEL)[0]?.text).toMatch(/Rolled back kaizen/);
    expect(slack.messages(CHANNEL)[0]?.replies).toHaveLength(6);
  });

  it('a long step of a short rollback gets its reply early, edited in place as it talks, within the budget', async () => {
    await slowRollback(2, 8);
    expect(slack.calls.length).toBeLessThanOrEqual(10);
    const [status] = slack.messages(CHANNEL);
    expect(status?.text).toMatch(/Rolled back kaizen/);
    const [first, second] = status?.replies ?? [];
    expect(second?.text).toMatch(/step2 line 8/);
    // Posted while its step ran, so edited at least once, to its last line.
    expect((first?.updates ?? 0) + (second?.updates ?? 0)).toBeGreaterThanOrEqual(1);
    expect(first?.text).toMatch(/step1 line 8/);
  });
});
