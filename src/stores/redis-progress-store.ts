import type { Logger } from '../observability/logger.js';
import type { ProgressStore } from '../rollback/ports/progress-store.js';
import type { ProgressSnapshot } from '../rollback/progress-snapshot.js';
import type { RedisKeys } from './redis-keys.js';
import { SNAPSHOT_RECORD } from './records/snapshot-record.js';
import { decodeRecord, encodeRecord, MalformedRecords } from './stored-record.js';
import type { RedisClient } from './redis-client.js';

/** Stores the snapshot only when it is newer than the stored one, atomically, then publishes its id. */
const PUBLISH_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and decoded['version'] and tonumber(decoded['version']) >= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
redis.call('PUBLISH', KEYS[2], ARGV[3])
return 1
`;

/** Snapshots live for 30 days; the audit log (a stream) is the permanent record. */
const SNAPSHOT_TTL_SECONDS = 30 * 24 * 3600;

export type SnapshotListener = (snapshot: ProgressSnapshot) => Promise<void> | void;

/** Snapshots as versioned JSON records; one that does not parse reads as missing (records/snapshot-record.ts). */
export class RedisProgressStore implements ProgressStore {
  private readonly listeners: SnapshotListener[] = [];
  private readonly malformed: MalformedRecords;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    log?: Logger,
  ) {
    this.malformed = new MalformedRecords(log);
  }

  /** Called after every stored snapshot (e.g. to queue a Slack render job). Errors are the listener's own. */
  onPublished(listener: SnapshotListener): void {
    this.listeners.push(listener);
  }

  async publish(snapshot: ProgressSnapshot): Promise<void> {
    const stored = await this.redis.eval(
      PUBLISH_IF_NEWER,
      2,
      this.keys.snapshot(snapshot.jobId),
      this.keys.progressChannel(),
      encodeRecord(SNAPSHOT_RECORD, snapshot),
      String(snapshot.version),
      snapshot.jobId,
      String(SNAPSHOT_TTL_SECONDS),
    );
    if (stored === 1) {
      for (const listener of this.listeners) await listener(snapshot);
    }
  }

  async get(jobId: string): Promise<ProgressSnapshot | undefined> {
    const key = this.keys.snapshot(jobId);
    const raw = await this.redis.get(key);
    if (raw === null) return undefined;
    const decoded = decodeRecord(SNAPSHOT_RECORD, raw);
    if (decoded.ok) return decoded.value;
    this.malformed.report(key, SNAPSHOT_RECORD.name, decoded.reason);
    return undefined;
  }
}
