import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisKeys } from './redis-keys.js';
import type {
  PostIntent,
  RenderLock,
  SlackStatusBinding,
  SlackStatusStore,
  StepThreadBinding,
  UploadRecord,
} from './slack-status-store.js';
import type { RedisClient } from './redis-client.js';

/**
 * A render that dies keeps others out this long at most (the status then lags a few seconds, not half a
 * minute); a live one renews the lock well before, every round and on a timer while it waits on Slack.
 */
export const RENDER_LOCK_MS = 4_000;
/** What was drawn is kept as long as the snapshot it draws. */
const BINDING_TTL_SECONDS = 30 * 24 * 3600;
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/**
 * Counts one call of a rollback's drawing (hash field `calls`): ARGV[1] the limit ('' for none), ARGV[2] the
 * TTL. Returns the new count, or -1 when it would pass the limit (nothing counted).
 */
const SPEND = `
local n = tonumber(redis.call('HGET', KEYS[1], 'calls') or '0')
if ARGV[1] ~= '' and n + 1 > tonumber(ARGV[1]) then return -1 end
n = redis.call('HINCRBY', KEYS[1], 'calls', 1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return n`;
/** Hash fields of thread attachments: `upload:<key>` = `pending|<fileId>` or `done|<fileId>`. */
const UPLOAD = 'upload:';
const STEP_FIELD = /^step:(.+):(ts|details|drawnAt)$/;

/**
 * The Slack surface's memory in Redis: a hash per rollback (channel, ts, renderedVersion, drawnAt,
 * statusKey, drawnStage, checklistsPosted, `calls` (the Web API calls of its drawing so far), `step:<id>:ts|details|drawnAt` per step thread reply, `intent:<what>` for posts under
 * way, `upload:<key>` per thread attachment) and beside it a render lock that carries its holder's token, so only the holder extends or releases it.
 */
export class RedisSlackStatusStore implements SlackStatusStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly lockMs = RENDER_LOCK_MS,
  ) {}

  async get(jobId: string): Promise<SlackStatusBinding | undefined> {
    const hash = await this.redis.hgetall(this.keys.slackBinding(jobId));
    if (!hash.channel || !hash.ts) return undefined;
    const steps: Record<string, Partial<StepThreadBinding>> = {};
    for (const [field, value] of Object.entries(hash)) {
      const match = STEP_FIELD.exec(field);
      if (!match) continue;
      const [, stepId = '', part] = match;
      const step = (steps[stepId] ??= {});
      if (part === 'ts') step.ts = value;
      else if (part === 'details') step.details = Number(value);
      else step.drawnAt = Number(value);
    }
    return {
      channel: hash.channel,
      ts: hash.ts,
      renderedVersion: Number(hash.renderedVersion ?? 0),
      drawnAt: Number(hash.drawnAt ?? 0),
      ...(hash.statusKey ? { statusKey: hash.statusKey } : {}),
      steps: Object.fromEntries(
        Object.entries(steps)
          .filter(([, s]) => s.ts !== undefined)
          .map(([id, s]) => [id, { ts: s.ts ?? '', details: s.details ?? 0, drawnAt: s.drawnAt ?? 0 }]),
      ),
      checklistsPosted: hash.checklistsPosted === '1',
      ...(hash.checklistsTs ? { checklistsTs: hash.checklistsTs } : {}),
      ...(hash.checklistsKey ? { checklistsKey: hash.checklistsKey } : {}),
      ...(hash.drawnStage ? { drawnStage: Number(hash.drawnStage) } : {}),
      callsSpent: Number(hash.calls ?? 0),
    };
  }

  async bind(
    jobId: string,
    posted: Pick<SlackStatusBinding, 'channel' | 'ts' | 'renderedVersion' | 'drawnAt'> &
      Partial<Pick<SlackStatusBinding, 'statusKey' | 'drawnStage'>>,
  ): Promise<void> {
    const key = this.keys.slackBinding(jobId);
    await this.redis
      .multi()
      .hset(key, { ...posted })
      .hdel(key, 'intent:status')
      .expire(key, BINDING_TTL_SECONDS)
      .exec();
  }

  async update(
    jobId: string,
    drawn: Partial<
      Pick<
        SlackStatusBinding,
        | 'renderedVersion'
        | 'drawnAt'
        | 'statusKey'
        | 'drawnStage'
        | 'checklistsPosted'
        | 'checklistsTs'
        | 'checklistsKey'
      >
    >,
  ): Promise<void> {
    const key = this.keys.slackBinding(jobId);
    const fields: Record<string, string | number> = {};
    if (drawn.renderedVersion !== undefined) fields.renderedVersion = drawn.renderedVersion;
    if (drawn.drawnAt !== undefined) fields.drawnAt = drawn.drawnAt;
    if (drawn.statusKey !== undefined) fields.statusKey = drawn.statusKey;
    if (drawn.drawnStage !== undefined) fields.drawnStage = drawn.drawnStage;
    if (drawn.checklistsPosted !== undefined) fields.checklistsPosted = drawn.checklistsPosted ? '1' : '0';
    if (drawn.checklistsTs !== undefined) fields.checklistsTs = drawn.checklistsTs;
    if (drawn.checklistsKey !== undefined) fields.checklistsKey = drawn.checklistsKey;
    if (Object.keys(fields).length === 0) return;
    const multi = this.redis.multi().hset(key, fields);
    if (drawn.checklistsPosted) multi.hdel(key, 'intent:checklists');
    await multi.exec();
  }

  async spendCall(jobId: string, limit?: number): Promise<number | undefined> {
    const key = this.keys.slackBinding(jobId);
    const spent = Number(
      await this.redis.eval(SPEND, 1, key, limit === undefined ? '' : String(limit), BINDING_TTL_SECONDS),
    );
    return spent < 0 ? undefined : spent;
  }

  async bindStep(jobId: string, stepId: string, drawn: StepThreadBinding): Promise<void> {
    const key = this.keys.slackBinding(jobId);
    await this.redis
      .multi()
      .hset(key, {
        [`step:${stepId}:ts`]: drawn.ts,
        [`step:${stepId}:details`]: drawn.details,
        [`step:${stepId}:drawnAt`]: drawn.drawnAt,
      })
      .hdel(key, `intent:step:${stepId}`)
      .exec();
  }

  async intend(jobId: string, intent: PostIntent): Promise<void> {
    const key = this.keys.slackBinding(jobId);
    await this.redis.multi().hset(key, `intent:${intent}`, '1').expire(key, BINDING_TTL_SECONDS).exec();
  }

  async withdraw(jobId: string, intent: PostIntent): Promise<void> {
    await this.redis.hdel(this.keys.slackBinding(jobId), `intent:${intent}`);
  }

  async intended(jobId: string, intent: PostIntent): Promise<boolean> {
    return (await this.redis.hexists(this.keys.slackBinding(jobId), `intent:${intent}`)) === 1;
  }

  async uploads(jobId: string): Promise<Record<string, UploadRecord>> {
    const hash = await this.redis.hgetall(this.keys.slackBinding(jobId));
    const uploads: Record<string, UploadRecord> = {};
    for (const [field, value] of Object.entries(hash)) {
      if (!field.startsWith(UPLOAD)) continue;
      const [state, fileId = ''] = value.split('|', 2);
      if (state === 'pending' || state === 'done') uploads[field.slice(UPLOAD.length)] = { fileId, state };
    }
    return uploads;
  }

  async recordUpload(jobId: string, key: string, record: UploadRecord): Promise<void> {
    const hashKey = this.keys.slackBinding(jobId);
    await this.redis
      .multi()
      .hset(hashKey, `${UPLOAD}${key}`, `${record.state}|${record.fileId}`)
      .expire(hashKey, BINDING_TTL_SECONDS)
      .exec();
  }

  async lock(jobId: string): Promise<RenderLock | undefined> {
    const key = `${this.keys.slackBinding(jobId)}:lock`;
    const token = randomUUID();
    if ((await this.redis.set(key, token, 'PX', this.lockMs, 'NX')) !== 'OK') return undefined;
    return {
      extend: async () => (await this.redis.eval(EXTEND, 1, key, token, String(this.lockMs))) === 1,
      release: () => releaseLock(this.redis, key, token),
    };
  }
}

/**
 * Releases the render lock, trying again for a few seconds: a release lost while Redis fails over would
 * otherwise hold every later render of this rollback back until the lock expires.
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
