import type { Logger } from '../observability/logger.js';
import type { RolledBackMark, RolledBackMarks } from '../rollback/ports/rolled-back-marks.js';
import type { RedisKeys } from './redis-keys.js';
import { ROLLED_BACK_MARK_RECORD, unreadableMark } from './records/rolled-back-mark-record.js';
import { encodeRecord, MalformedRecords, readStoredRecord } from './stored-record.js';
import type { RedisClient } from './redis-client.js';

/** GET and DEL in one step, so two releases at once release (and audit) once. */
const TAKE = `
local value = redis.call('GET', KEYS[1])
if value then redis.call('DEL', KEYS[1]) end
return value
`;

/**
 * One key per service holding the mark as a versioned JSON record; it has no expiry: only a release clears
 * it. One that does not parse still reads as a mark (see records/rolled-back-mark-record.ts).
 */
export class RedisRolledBackMarks implements RolledBackMarks {
  private readonly malformed: MalformedRecords;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    log?: Logger,
  ) {
    this.malformed = new MalformedRecords(log);
  }

  async set(mark: RolledBackMark): Promise<void> {
    await this.redis.set(this.keys.rolledBack(mark.service), encodeRecord(ROLLED_BACK_MARK_RECORD, mark));
  }

  async get(service: string): Promise<RolledBackMark | undefined> {
    return this.read(service, await this.redis.get(this.keys.rolledBack(service)));
  }

  async release(service: string): Promise<RolledBackMark | undefined> {
    const raw = (await this.redis.eval(TAKE, 1, this.keys.rolledBack(service))) as string | null;
    return this.read(service, raw);
  }

  private read(service: string, raw: string | null): RolledBackMark | undefined {
    return readStoredRecord(ROLLED_BACK_MARK_RECORD, this.keys.rolledBack(service), raw, this.malformed, () =>
      unreadableMark(service),
    );
  }
}
