import type { Logger } from '../observability/logger.js';
import type { ImageDigests, RanDigest } from '../rollback/ports/image-digests.js';
import { RAN_DIGEST_RECORD } from './records/ran-digest-record.js';
import type { RedisClient } from './redis-client.js';
import type { RedisKeys } from './redis-keys.js';
import { decodeRecord, encodeRecord, MalformedRecords } from './stored-record.js';

/** How long a service's digests are kept after the last one was recorded: about 13 months. */
const KEEP_SECONDS = 400 * 24 * 3600;

/** One hash per service: image → the digest it ran with (the newest seen), as a versioned JSON record. */
export class RedisImageDigests implements ImageDigests {
  private readonly malformed: MalformedRecords;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    log?: Logger,
  ) {
    this.malformed = new MalformedRecords(log);
  }

  async record(service: string, seen: RanDigest[]): Promise<void> {
    if (seen.length === 0) return;
    const key = this.keys.imageDigests(service);
    const fields = seen.flatMap((s) => [s.image, encodeRecord(RAN_DIGEST_RECORD, s)]);
    await this.redis
      .multi()
      .hset(key, ...fields)
      .expire(key, KEEP_SECONDS)
      .exec();
  }

  async ranWith(service: string, image: string): Promise<RanDigest | undefined> {
    const key = this.keys.imageDigests(service);
    const raw = await this.redis.hget(key, image);
    if (raw === null) return undefined;
    const decoded = decodeRecord(RAN_DIGEST_RECORD, raw);
    if (decoded.ok) return decoded.value;
    this.malformed.report(`${key} ${image}`, RAN_DIGEST_RECORD.name, decoded.reason);
    return undefined;
  }
}
