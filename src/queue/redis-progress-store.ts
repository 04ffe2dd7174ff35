import type { ProgressStore } from '../rollback/ports/progress-store.js';
import type { ProgressSnapshot } from '../rollback/progress-snapshot.js';
import type { RedisKeys } from './redis-keys.js';
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

export class RedisProgressStore implements ProgressStore {
  private readonly listeners: SnapshotListener[] = [];

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

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
      JSON.stringify(snapshot),
      String(snapshot.version),
      snapshot.jobId,
      String(SNAPSHOT_TTL_SECONDS),
    );
    if (stored === 1) {
      for (const listener of this.listeners) await listener(snapshot);
    }
  }

  async get(jobId: string): Promise<ProgressSnapshot | undefined> {
    const raw = await this.redis.get(this.keys.snapshot(jobId));
    return raw === null ? undefined : (JSON.parse(raw) as ProgressSnapshot);
  }
}
