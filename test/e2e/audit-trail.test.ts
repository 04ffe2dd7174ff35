import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../src/stores/redis-audit-log.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { kaizenService } from '../support/kaizen-service.js';
import { TEST_REDIS_URL } from '../support/redis-test-prefix.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';

const CHANNEL = 'C0INCIDENT';

describe("a rollback's audit trail, however many entries come after it", () => {
  let kube: FakeKube;
  let bot: TestBot;
  const redis = new Redis(TEST_REDIS_URL);

  beforeEach(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0' });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      services: { kaizen: kaizenService('30s') },
    });
  });
  afterEach(async () => {
    await bot.close();
    await kube.close();
  });

  it('shows on the report page and in /api/audit after 10,000 later dry runs, each entry with its job id', async () => {
    const ack = await bot.slash('kaizen v0.7.0', { channelId: CHANNEL });
    const jobId = /job (kaizen-[a-z0-9-]+)/.exec(ack.body.text ?? '')?.[1] as string;
    expect(jobId).toBeDefined();
    await bot.slack.waitFor(
      () => bot.slack.messages(CHANNEL).some((m) => /Rolled back kaizen/.test(m.text)),
      20_000,
    );
    // A real dry run through Slack: its `requested` entry carries a job id of its own too.
    await bot.slash('kaizen v0.7.0 --dry-run', { channelId: CHANNEL, userId: 'U0MALLORY' });
    const newest = (await (await fetch(`${bot.bot.url}/api/audit?service=kaizen&limit=1`)).json()) as {
      entries: { type: string; jobId?: string; detail?: string }[];
    };
    expect(newest.entries[0]).toMatchObject({ type: 'requested', detail: expect.stringMatching(/dry run/) });
    const dryJob = newest.entries[0]?.jobId as string;
    expect(dryJob).toMatch(/^kaizen-/);
    expect(dryJob).not.toBe(jobId);
    // Then 10,000 more entries, as a flood of dry runs from anyone would write.
    const flood = new RedisAuditLog(redis, new RedisKeys(bot.config.redisPrefix));
    for (let i = 0; i < 10_000; i += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, j) =>
          flood.append({
            type: 'requested',
            actor: { id: 'U0MALLORY', name: 'mallory', source: 'slack' },
            service: 'kaizen',
            jobId: `kaizen-20261203-f${String(i + j).padStart(5, '0')}`,
            detail: 'to previous (dry run)',
          }),
        ),
      );
    }

    const page = await (await fetch(`${bot.bot.url}/rollbacks/${jobId}`)).text();
    expect(page).not.toMatch(/No audit entries for this job/);
    expect(page).toMatch(/requested/);
    expect(page).toMatch(/succeeded/);
    const api = (await (await fetch(`${bot.bot.url}/api/audit?jobId=${jobId}&limit=100`)).json()) as {
      entries: { type: string; jobId?: string }[];
    };
    const types = api.entries.map((e) => e.type);
    expect(types).toContain('requested');
    expect(types).toContain('enqueued');
    expect(types).toContain('succeeded');
    expect(api.entries.every((e) => e.jobId === jobId)).toBe(true);
    const dryTrail = (await (await fetch(`${bot.bot.url}/api/audit?jobId=${dryJob}`)).json()) as {
      entries: { type: string; detail?: string }[];
    };
    expect(dryTrail.entries.map((e) => e.type)).toEqual(['requested']);
    expect(dryTrail.entries[0]?.detail).toMatch(/dry run/);
  }, 60_000);
});
