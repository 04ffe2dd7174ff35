import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisKeys } from './redis-keys.js';
import type { RenderLock, SlackStatusBinding, SlackStatusStore } from './slack-status-store.js';
import type { RedisClient } from './redis-client.js';

/** A render that dies keeps others out this long at most; a live one extends the lock every round. */
const LOCK_MS = 60_000;
/** What was drawn is kept as long as the snapshot it draws. */
const BINDING_TTL_SECONDS = 30 * 24 * 3600;
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * The Slack surface's memory in Redis: a hash per rollback (channel, ts, renderedVersion, detailsPosted,
 * checklistsPosted) and beside it a render lock that carries its holder's token, so only the holder
 * extends or releases it.
 */
export class RedisSlackStatusStore implements SlackStatusStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async get(jobId: string): Promise<SlackStatusBinding | undefined> {
    const hash = await this.redis.hgetall(this.keys.slackBinding(jobId));
    if (!hash.channel || !hash.ts) return undefined;
    return {
      channel: hash.channel,
      ts: hash.ts,
      renderedVersion: Number(hash.renderedVersion ?? 0),
      detailsPosted: Number(hash.detailsPosted ?? 0),
      checklistsPosted: hash.checklistsPosted === '1',
    };
  }

  async bind(
    jobId: string,
    posted: Pick<SlackStatusBinding, 'channel' | 'ts' | 'renderedVersion'>,
  ): Promise<void> {
    const key = this.keys.slackBinding(jobId);
    await this.redis.hset(key, { ...posted });
    await this.redis.expire(key, BINDING_TTL_SECONDS);
  }

  async update(
    jobId: string,
    drawn: Partial<Pick<SlackStatusBinding, 'renderedVersion' | 'detailsPosted' | 'checklistsPosted'>>,
  ): Promise<void> {
    const fields: Record<string, string | number> = {};
    if (drawn.renderedVersion !== undefined) fields.renderedVersion = drawn.renderedVersion;
    if (drawn.detailsPosted !== undefined) fields.detailsPosted = drawn.detailsPosted;
    if (drawn.checklistsPosted !== undefined) fields.checklistsPosted = drawn.checklistsPosted ? '1' : '0';
    if (Object.keys(fields).length > 0) await this.redis.hset(this.keys.slackBinding(jobId), fields);
  }

  async lock(jobId: string): Promise<RenderLock | undefined> {
    const key = `${this.keys.slackBinding(jobId)}:lock`;
    const token = randomUUID();
    if ((await this.redis.set(key, token, 'PX', LOCK_MS, 'NX')) !== 'OK') return undefined;
    return {
      extend: async () => (await this.redis.eval(EXTEND, 1, key, token, String(LOCK_MS))) === 1,
      release: () => releaseLock(this.redis, key, token),
    };
  }
}

/**
 * Releases the render lock, trying again for a few seconds: a release lost while Redis fails over would
 * otherwise hold every later render of this rollback back until the lock expires (LOCK_MS).
 */
async function releaseLock(redis: RedisClient, key: string, token: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await redis.eval(RELEASE, 1, key, token);
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(250 * 2 ** attempt);
    }
  }
}
