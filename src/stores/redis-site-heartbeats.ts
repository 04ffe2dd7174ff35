import { z } from 'zod';
import type { SitePresence, SiteWorker } from '../rollback/ports/site-workers.js';
import type { RedisClient } from './redis-client.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * One hash per site: a field per worker whose value is "<expiry ms> <worker JSON>". Expiry uses Redis's
 * own clock (TIME), so hosts with skewed clocks agree on who is alive. Each beat drops the fields that
 * expired and keeps the key alive as long as its longest-lived worker: a site whose workers all stopped
 * beating has no key at all.
 */
const BEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], tostring(now + ttl) .. ' ' .. ARGV[2])
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local expires = tonumber(string.match(all[i + 1], '^(%d+) '))
  if expires == nil or expires <= now then redis.call('HDEL', KEYS[1], all[i]) end
end
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`;

const LIVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local all = redis.call('HGETALL', KEYS[1])
local live = {}
for i = 1, #all, 2 do
  local expires, worker = string.match(all[i + 1], '^(%d+) (.*)$')
  if expires ~= nil and tonumber(expires) > now then table.insert(live, worker) end
end
return live
`;

const workerSchema = z.object({
  id: z.string(),
  host: z.string(),
  strategies: z.array(z.string()),
});

/** Worker liveness per site, read by web processes (enqueue checks, waiting jobs) and the metrics. */
export class RedisSiteHeartbeats implements SitePresence {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /** "I am alive in `site` for `ttlMs` more, running these strategies." */
  async beat(site: string, worker: SiteWorker, ttlMs: number): Promise<void> {
    await this.redis.eval(BEAT, 1, this.keys.siteWorkers(site), worker.id, JSON.stringify(worker), ttlMs);
  }

  /** A worker that stops says so at once, instead of being taken for alive until its beat expires. */
  async leave(site: string, workerId: string): Promise<void> {
    await this.redis.hdel(this.keys.siteWorkers(site), workerId);
  }

  async live(site: string): Promise<SiteWorker[]> {
    const raw = (await this.redis.eval(LIVE, 1, this.keys.siteWorkers(site))) as string[];
    return raw.flatMap((text) => {
      const parsed = workerSchema.safeParse(safeJson(text));
      return parsed.success ? [parsed.data] : [];
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
