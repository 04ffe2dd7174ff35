import type { Logger } from '../observability/logger.js';
import { tagOfPinned } from '../rollback/images/ran-digests.js';
import type { RanConfig, RanConfigs } from '../rollback/ports/ran-configs.js';
import { RAN_CONFIG_RECORD } from './records/ran-config-record.js';
import type { RedisClient } from './redis-client.js';
import { RedisImageRecords } from './redis-image-records.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * Per service and image: what its ConfigMaps and Secrets held when it last ran. A pinned image
 * (`kaizen:v0.7.0@sha256:…`, kubernetes.pinDigest) is recorded under its tag, so a plan to `v0.7.0` finds
 * what it last ran with, pinned or not. The digest check, not this record, tells a moved tag.
 */
export class RedisRanConfigs implements RanConfigs {
  private readonly records: RedisImageRecords<RanConfig>;

  constructor(redis: RedisClient, keys: RedisKeys, log?: Logger) {
    this.records = new RedisImageRecords(
      redis,
      RAN_CONFIG_RECORD,
      (service) => keys.ranConfigs(service),
      log,
    );
  }

  async record(service: string, ran: RanConfig): Promise<void> {
    await this.records.write(service, [[tagOfPinned(ran.image), ran]]);
  }

  lastRan(service: string, image: string): Promise<RanConfig | undefined> {
    return this.records.read(service, tagOfPinned(image));
  }
}
