import type { Logger } from '../observability/logger.js';
import type { RanConfig, RanConfigs } from '../rollback/ports/ran-configs.js';
import { RAN_CONFIG_RECORD } from './records/ran-config-record.js';
import type { RedisClient } from './redis-client.js';
import type { RedisKeys } from './redis-keys.js';
import { decodeRecord, encodeRecord, MalformedRecords } from './stored-record.js';

/** How long a service's records are kept after the last one was written: about 13 months, as digests. */
const KEEP_SECONDS = 400 * 24 * 3600;

/** One hash per service: image → what its ConfigMaps and Secrets held when it last ran (a versioned record). */
export class RedisRanConfigs implements RanConfigs {
  private readonly malformed: MalformedRecords;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    log?: Logger,
  ) {
    this.malformed = new MalformedRecords(log);
  }

  async record(service: string, ran: RanConfig): Promise<void> {
    const key = this.keys.ranConfigs(service);
    await this.redis
      .multi()
      .hset(key, ran.image, encodeRecord(RAN_CONFIG_RECORD, ran))
      .expire(key, KEEP_SECONDS)
      .exec();
  }

  async lastRan(service: string, image: string): Promise<RanConfig | undefined> {
    const key = this.keys.ranConfigs(service);
    const raw = await this.redis.hget(key, image);
    if (raw === null) return undefined;
    const decoded = decodeRecord(RAN_CONFIG_RECORD, raw);
    if (decoded.ok) return decoded.value;
    this.malformed.report(`${key} ${image}`, RAN_CONFIG_RECORD.name, decoded.reason);
    return undefined;
  }
}
