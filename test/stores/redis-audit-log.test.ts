import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/rollback/ports/audit-log.js';
import { RedisAuditLog } from '../../src/stores/redis-audit-log.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';

const redis = new Redis(TEST_REDIS_URL);
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await deletePrefix(prefix);
  redis.disconnect();
});

function keysFor(name: string): RedisKeys {
  const prefix = testPrefix(name);
  prefixes.push(prefix);
  return new RedisKeys(prefix);
}

const alice = { id: 'U0ALICE', name: 'alice', source: 'slack' as const };
const mallory = { id: 'U0MALLORY', name: 'mallory', source: 'slack' as const };

/** Many entries at once through the log itself (pipelined, as many users at once would). */
async function flood(log: RedisAuditLog, count: number, entry: (i: number) => AuditEntry): Promise<void> {
  for (let i = 0; i < count; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, j) => log.append(entry(i + j))));
  }
}

describe('the audit log keeps what matters', () => {
  it("finds a job's and a service's entries after 10,000 later entries of others", async () => {
    const log = new RedisAuditLog(redis, keysFor('audit-flood'));
    const job = 'kaizen-20261203-aaaaaa';
    await log.append({ type: 'requested', actor: alice, service: 'kaizen', jobId: job, detail: 'to v0.7.0' });
    await log.append({ type: 'succeeded', actor: alice, service: 'kaizen', jobId: job, detail: 'v0.7.0' });
    await flood(log, 10_000, (i) => ({
      type: 'requested',
      actor: mallory,
      service: i % 2 === 0 ? 'billing' : 'kaizen',
      jobId: `${i % 2 === 0 ? 'billing' : 'kaizen'}-20261203-${String(i).padStart(6, '0')}`,
      detail: 'to previous (dry run)',
    }));

    const trail = await log.list({ jobId: job });
    expect(trail.map((e) => e.type)).toEqual(['succeeded', 'requested']);
    expect(trail.every((e) => e.jobId === job && e.service === 'kaizen')).toBe(true);
    const kaizen = await log.list({ service: 'kaizen', limit: 5 });
    expect(kaizen).toHaveLength(5);
    expect(kaizen.every((e) => e.service === 'kaizen')).toBe(true);
    // The same entry has the same id in the whole log and in its job's stream.
    const whole = await log.list({ limit: 20_000 });
    expect(whole.find((e) => e.jobId === job && e.type === 'requested')?.id).toBe(trail[1]?.id);
  }, 30_000);

  it('keeps at most AUDIT_MAX_ENTRIES per stream, and nothing older than AUDIT_RETENTION_DAYS', async () => {
    const keys = keysFor('audit-retention');
    const small = new RedisAuditLog(redis, keys, undefined, { maxEntries: 1_000, days: 1 });
    await flood(small, 1_500, (i) => ({
      type: 'requested',
      actor: alice,
      service: 'kaizen',
      detail: `#${i}`,
    }));
    expect(await redis.xlen(keys.audit())).toBe(1_000);
    expect(await redis.xlen(keys.auditOfService('kaizen'))).toBe(1_000);
    expect((await small.list({ limit: 1 }))[0]?.detail).toBe('#1499');
    const ttl = await redis.pttl(keys.auditOfService('kaizen'));
    expect(ttl).toBeGreaterThan(86_000_000);
    expect(ttl).toBeLessThanOrEqual(86_400_000);

    // Entries written two days ago (stream ids carry their time) are trimmed at the next append.
    const keysOld = keysFor('audit-age');
    const twoDaysAgo = Date.now() - 2 * 86_400_000;
    for (let i = 0; i < 10; i += 1) {
      for (const key of [keysOld.audit(), keysOld.auditOfService('kaizen')])
        await redis.xadd(
          key,
          `${twoDaysAgo + i}-0`,
          'type',
          'requested',
          'actorId',
          'U1',
          'actorName',
          'alice',
          'source',
          'slack',
          'at',
          new Date(twoDaysAgo).toISOString(),
          'service',
          'kaizen',
        );
    }
    const aged = new RedisAuditLog(redis, keysOld, undefined, { maxEntries: 1_000, days: 1 });
    await aged.append({ type: 'released', actor: alice, service: 'kaizen', detail: 'reason: fixed' });
    expect(await redis.xlen(keysOld.audit())).toBe(1);
    expect((await aged.list({ service: 'kaizen' })).map((e) => e.type)).toEqual(['released']);
  }, 30_000);

  it('still reads entries written before the per-job streams existed', async () => {
    const keys = keysFor('audit-legacy');
    await redis.xadd(
      keys.audit(),
      '*',
      'type',
      'enqueued',
      'actorId',
      'U1',
      'actorName',
      'alice',
      'source',
      'slack',
      'at',
      '2026-01-01T00:00:00.000Z',
      'service',
      'kaizen',
      'jobId',
      'kaizen-old',
    );
    const log = new RedisAuditLog(redis, keys);
    expect((await log.list({ jobId: 'kaizen-old' })).map((e) => e.type)).toEqual(['enqueued']);
  });
});
