import type { RolledBackMark, RolledBackMarks } from '../rollback/ports/rolled-back-marks.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-client.js';

/** GET and DEL in one step, so two releases at once release (and audit) once. */
const TAKE = `
local value = redis.call('GET', KEYS[1])
if value then redis.call('DEL', KEYS[1]) end
return value
`;

/** One key per service holding the mark as JSON; it has no expiry: only a release clears it. */
export class RedisRolledBackMarks implements RolledBackMarks {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async set(mark: RolledBackMark): Promise<void> {
    await this.redis.set(this.keys.rolledBack(mark.service), JSON.stringify(mark));
  }

  async get(service: string): Promise<RolledBackMark | undefined> {
    const raw = await this.redis.get(this.keys.rolledBack(service));
    return raw === null ? undefined : (JSON.parse(raw) as RolledBackMark);
  }

  async release(service: string): Promise<RolledBackMark | undefined> {
    const raw = (await this.redis.eval(TAKE, 1, this.keys.rolledBack(service))) as string | null;
    return raw === null ? undefined : (JSON.parse(raw) as RolledBackMark);
  }
}
