import type { Logger } from '../observability/logger.js';
import type { RanConfig, RanConfigs } from '../rollback/ports/ran-configs.js';
import { RAN_CONFIG_RECORD } from './records/ran-config-record.js';
import type { RedisClient } from './redis-client.js';
import { RedisImageRecords } from './redis-image-records.js';
import type { RedisKeys } from './redis-keys.js';

/** Per service and image: what its ConfigMaps and Secrets held when it last ran. */
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
    await this.records.write(service, [[ran.image, ran]]);
  }

  lastRan(service: string, image: string): Promise<RanConfig | undefined> {
    return this.records.read(service, image);
  }
}
