import type { RedisClient } from './redis-client.js';
import type { RedisKeys } from './redis-keys.js';

/** Slack's limits the bot keeps to: calls per minute per method (its tiers), posts per second per channel. */
export interface SlackRateLimits {
  /** Calls per minute, by method; a method not listed is not limited by the bot. */
  perMinute: Record<string, number>;
  /** `chat.postMessage` per second in one channel (Slack: about 1, short bursts tolerated). */
  postsPerSecondPerChannel: number;
}

export const SLACK_RATE_LIMITS: SlackRateLimits = {
  perMinute: {
    'chat.postMessage': 300,
    'chat.update': 50,
    'chat.postEphemeral': 100,
    'conversations.history': 50,
    'conversations.replies': 50,
    // Tier 4: the thread's attachments (evidence bundles, the post-mortem draft).
    'files.getUploadURLExternal': 100,
    'files.completeUploadExternal': 100,
    'files.info': 100,
  },
  postsPerSecondPerChannel: 1,
};

/**
 * How urgent a call is. A final state may use the last token of a bucket; an intermediate update leaves
 * one for it, and thread replies leave two: under load, final states go first and threads catch up later.
 */
export type CallPriority = 'final' | 'status' | 'thread';
const RESERVE: Record<CallPriority, number> = { final: 0, status: 1, thread: 2 };

/**
 * Token buckets, one per key, checked and taken together in one script (all or none). Each bucket holds
 * `burst` tokens and refills at `rate` tokens per ms; `paused` (Slack's Retry-After) empties it until then.
 * Returns 0 when taken, else the ms to wait before enough tokens are there.
 */
const TAKE = `
local now = tonumber(ARGV[1])
local need = tonumber(ARGV[2])
local wait = 0
local state = {}
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[1 + i * 2])
  local burst = tonumber(ARGV[2 + i * 2])
  local b = redis.call('HMGET', key, 'tokens', 'at', 'paused')
  local tokens = tonumber(b[1]) or burst
  local at = tonumber(b[2]) or now
  local paused = tonumber(b[3]) or 0
  if paused > now then
    wait = math.max(wait, paused - now + (need + 1) / rate)
    tokens = 0
    at = paused
  else
    tokens = math.min(burst, tokens + (now - at) * rate)
    at = now
    local missing = need + 1 - tokens
    if missing > 0 then wait = math.max(wait, math.ceil(missing / rate)) end
  end
  state[i] = { tokens, at }
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, 'tokens', state[i][1] - 1, 'at', state[i][2])
  redis.call('PEXPIRE', key, 3600000)
end
return 0`;

const PAUSE = `
local until_ = tonumber(ARGV[1])
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused')) or 0
if until_ > paused then
  redis.call('HSET', KEYS[1], 'paused', until_, 'tokens', 0, 'at', until_)
  redis.call('PEXPIRE', KEYS[1], 3600000)
end
return 1`;

interface Bucket {
  key: string;
  ratePerMs: number;
  burst: number;
}

/**
 * The bot's side of Slack's rate limits, shared by every process through Redis: one bucket per method tier
 * and one per channel for posts. A call takes a token from each of its buckets first; a 429 pauses the
 * bucket it hit for Slack's Retry-After.
 */
export class RedisSlackRateLimiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly limits: SlackRateLimits = SLACK_RATE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for a call to `method` (in `channel`); 0 when it may go now, else ms to wait. */
  async take(method: string, channel: string | undefined, priority: CallPriority): Promise<number> {
    const buckets = this.buckets(method, channel);
    if (buckets.length === 0) return 0;
    const args = [String(this.now()), String(RESERVE[priority])];
    for (const b of buckets) args.push(String(b.ratePerMs), String(b.burst));
    const wait = await this.redis.eval(TAKE, buckets.length, ...buckets.map((b) => b.key), ...args);
    return Number(wait);
  }

  /** Slack answered 429 with Retry-After: nothing more goes to that method (or channel) until then. */
  async pause(method: string, channel: string | undefined, retryAfterMs: number): Promise<void> {
    const until = String(this.now() + retryAfterMs);
    for (const bucket of this.buckets(method, channel)) await this.redis.eval(PAUSE, 1, bucket.key, until);
  }

  private buckets(method: string, channel: string | undefined): Bucket[] {
    const buckets: Bucket[] = [];
    const perMinute = this.limits.perMinute[method];
    if (perMinute !== undefined) {
      // A few calls in a burst, as Slack tolerates; never more than the reserve plus a couple.
      buckets.push({ key: this.keys.slackRate(method), ratePerMs: perMinute / 60_000, burst: 4 });
    }
    if (method === 'chat.postMessage' && channel !== undefined) {
      const perSecond = this.limits.postsPerSecondPerChannel;
      // Slack tolerates short bursts in a channel: a rollback's few thread replies go out together.
      buckets.push({ key: this.keys.slackRate(`post:${channel}`), ratePerMs: perSecond / 1_000, burst: 6 });
    }
    return buckets;
  }
}
