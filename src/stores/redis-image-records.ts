import type { Logger } from '../observability/logger.js';
import type { RedisClient } from './redis-client.js';
import { encodeRecord, MalformedRecords, readStoredRecord, type RecordKind } from './stored-record.js';

/** How long a service's records are kept after the last one was written: about 13 months. */
const KEEP_SECONDS = 400 * 24 * 3600;

/**
 * One Redis hash per service: image → a versioned record of what was seen while that image ran (its digest,
 * what its ConfigMaps and Secrets held). Kept about 13 months after the last write.
 */
export class RedisImageRecords<T extends object> {
  private readonly malformed: MalformedRecords;

  constructor(
    private readonly redis: RedisClient,
    private readonly kind: RecordKind<T>,
    private readonly keyOf: (service: string) => string,
    log?: Logger,
  ) {
    this.malformed = new MalformedRecords(log);
  }

  async write(service: string, entries: ReadonlyArray<readonly [image: string, value: T]>): Promise<void> {
    if (entries.length === 0) return;
    const key = this.keyOf(service);
    const fields = entries.flatMap(([image, value]) => [image, encodeRecord(this.kind, value)]);
    await this.redis
      .multi()
      .hset(key, ...fields)
      .expire(key, KEEP_SECONDS)
      .exec();
  }

  async read(service: string, image: string): Promise<T | undefined> {
    const key = this.keyOf(service);
    return readStoredRecord(this.kind, `${key} ${image}`, await this.redis.hget(key, image), this.malformed);
  }
}
