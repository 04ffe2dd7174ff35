import type { Logger } from '../observability/logger.js';
import type { ImageDigests, RanDigest } from '../rollback/ports/image-digests.js';
import { RAN_DIGEST_RECORD } from './records/ran-digest-record.js';
import type { RedisClient } from './redis-client.js';
import { RedisImageRecords } from './redis-image-records.js';
import type { RedisKeys } from './redis-keys.js';

/** Per service and image: the digest it ran with (the newest seen). */
export class RedisImageDigests implements ImageDigests {
  private readonly records: RedisImageRecords<RanDigest>;

  constructor(redis: RedisClient, keys: RedisKeys, log?: Logger) {
    this.records = new RedisImageRecords(
      redis,
      RAN_DIGEST_RECORD,
      (service) => keys.imageDigests(service),
      log,
    );
  }

  async record(service: string, seen: RanDigest[]): Promise<void> {
    await this.records.write(
      service,
      seen.map((s) => [s.image, s] as const),
    );
  }

  ranWith(service: string, image: string): Promise<RanDigest | undefined> {
    return this.records.read(service, image);
  }
}
