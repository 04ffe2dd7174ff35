import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisSlackStatusStore } from '../../src/stores/redis-slack-status-store.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';

const prefix = testPrefix('slack-status-store');
const redis = new Redis(TEST_REDIS_URL);
const keys = new RedisKeys(prefix);
const store = new RedisSlackStatusStore(redis, keys);
let counter = 0;
const jobId = () => `kaizen-store-${(counter += 1)}`;

afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

describe('Redis Slack status store', () => {
  it('knows nothing before the status message is posted, then what was drawn since', async () => {
    const id = jobId();
    expect(await store.get(id)).toBeUndefined();
    await store.intend(id, 'status');
    expect(await store.intended(id, 'status')).toBe(true);
    await store.bind(id, {
      channel: 'C0DEPLOYS',
      ts: '1700000000.000100',
      renderedVersion: 2,
      drawnAt: 1000,
    });
    expect(await store.intended(id, 'status')).toBe(false);
    expect(await store.get(id)).toEqual({
      channel: 'C0DEPLOYS',
      ts: '1700000000.000100',
      renderedVersion: 2,
      drawnAt: 1000,
      steps: {},
      checklistsPosted: false,
      callsSpent: 0,
    });
    await store.update(id, { renderedVersion: 5, drawnAt: 2000 });
    await store.intend(id, 'step:roll:out');
    await store.bindStep(id, 'roll:out', { ts: '1700000000.000200', details: 3, drawnAt: 1500 });
    expect(await store.intended(id, 'step:roll:out')).toBe(false);
    await store.intend(id, 'checklists');
    await store.update(id, { checklistsPosted: true });
    expect(await store.intended(id, 'checklists')).toBe(false);
    expect(await store.get(id)).toMatchObject({
      renderedVersion: 5,
      drawnAt: 2000,
      steps: { 'roll:out': { ts: '1700000000.000200', details: 3, drawnAt: 1500 } },
      checklistsPosted: true,
    });
    expect(await redis.ttl(keys.slackBinding(id))).toBeGreaterThan(29 * 24 * 3600);
  });

  it('counts the Web API calls of a rollback atomically, within a limit when given, across processes', async () => {
    const id = jobId();
    expect(await store.spendCall(id)).toBe(1);
    expect(await store.spendCall(id, 3)).toBe(2);
    expect(await store.spendCall(id, 3)).toBe(3);
    // The limit refuses the call and counts nothing; a call that must go is counted past it.
    expect(await store.spendCall(id, 3)).toBeUndefined();
    const restarted = new RedisSlackStatusStore(redis, keys);
    expect(await restarted.spendCall(id)).toBe(4);
    await restarted.bind(id, {
      channel: 'C0DEPLOYS',
      ts: '1700000000.000100',
      renderedVersion: 1,
      drawnAt: 1,
    });
    expect(await restarted.get(id)).toMatchObject({ callsSpent: 4 });
    // Twenty calls at once, each limited to 10 in all: exactly six more go.
    const raced = await Promise.all(Array.from({ length: 20 }, () => store.spendCall(id, 10)));
    expect(raced.filter((n) => n !== undefined)).toHaveLength(6);
    expect(await store.get(id)).toMatchObject({ callsSpent: 10 });
    expect(await redis.ttl(keys.slackBinding(id))).toBeGreaterThan(29 * 24 * 3600);
  });

  it('forgets a post intent Slack refused, so the next post does not look for it first', async () => {
    const id = jobId();
    await store.intend(id, 'step:monitor');
    await store.withdraw(id, 'step:monitor');
    expect(await store.intended(id, 'step:monitor')).toBe(false);
  });

  it('a render lock left by a dead process frees itself within seconds', async () => {
    const id = jobId();
    expect(await store.lock(id)).toBeDefined();
    expect(await redis.pttl(`${keys.slackBinding(id)}:lock`)).toBeLessThanOrEqual(4_000);
  });

  it('lets one render hold the lock; only the holder extends or releases it', async () => {
    const id = jobId();
    const first = await store.lock(id);
    expect(first).toBeDefined();
    expect(await store.lock(id)).toBeUndefined();
    expect(await first?.extend()).toBe(true);
    await first?.release();

    const second = await store.lock(id);
    // The first holder's lock is gone: it can neither extend nor release the second holder's.
    expect(await first?.extend()).toBe(false);
    await first?.release();
    expect(await store.lock(id)).toBeUndefined();
    await second?.release();
    expect(await store.lock(id)).toBeDefined();
  });
});
