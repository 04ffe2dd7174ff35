import type { RedisClient } from '../stores/redis-client.js';
import { z } from 'zod';
import type { NotificationTimeline } from '../rollback/ports/notification-outbox.js';
import { parseStoredRecord, toRecord, type StoredRecord } from './notification-record-schema.js';
import type { OutboxKeys } from './outbox-keys.js';

const TTL_SECONDS = 30 * 24 * 3600;
const SEQUENCE_FIELD = '#seq';

/** One notification's place in an order list: enough to find its record and its BullMQ job. */
export interface OrderEntry {
  bullId: string;
  jobId: string;
  id: string;
}

const orderEntrySchema = z.tuple([z.string(), z.string(), z.string()]);

/**
 * Adds the record unless one with this id exists (the dedupe), numbers it within its job and, when it has
 * an order key, appends it to that order list: one atomic round trip.
 * KEYS: timeline hash, order list. ARGV: id, record JSON, order entry ('' for none), TTL seconds.
 */
const REGISTER_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
local record = cjson.decode(ARGV[2])
record['sequence'] = redis.call('HINCRBY', KEYS[1], '${SEQUENCE_FIELD}', 1)
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(record))
redis.call('EXPIRE', KEYS[1], ARGV[4])
if ARGV[3] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
end
return 1
`;

/** The outbox's records in Redis: per-job timelines of notifications, and order lists. */
export class RedisNotificationTimeline {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: OutboxKeys,
  ) {}

  /** True when the record is new; false when a notification with this id was registered before. */
  async register(record: StoredRecord, order?: { key: string; entry: OrderEntry }): Promise<boolean> {
    const timeline = this.keys.timeline(record.jobId);
    const added = await this.redis.eval(
      REGISTER_SCRIPT,
      2,
      timeline,
      order ? this.keys.order(order.key) : timeline,
      record.id,
      JSON.stringify(record),
      order ? entryText(order.entry) : '',
      TTL_SECONDS,
    );
    return added === 1;
  }

  async get(jobId: string, id: string): Promise<StoredRecord | undefined> {
    return parseStoredRecord(await this.redis.hget(this.keys.timeline(jobId), id));
  }

  /** Overwrites the record (only the worker holding the notification's job writes after registration). */
  async put(record: StoredRecord): Promise<void> {
    await this.redis.hset(this.keys.timeline(record.jobId), record.id, JSON.stringify(record));
  }

  /** Writes the final record (sent or failed) and lets later notifications of the order key go. */
  async finish(record: StoredRecord, order?: { key: string; entry: OrderEntry }): Promise<void> {
    const multi = this.redis
      .multi()
      .hset(this.keys.timeline(record.jobId), record.id, JSON.stringify(record));
    if (order) multi.lrem(this.keys.order(order.key), 1, entryText(order.entry));
    await multi.exec();
  }

  /** The oldest pending entries of an order key (unreadable entries are dropped from the list). */
  async orderEntries(orderKey: string, limit = 50): Promise<OrderEntry[]> {
    const key = this.keys.order(orderKey);
    const texts = await this.redis.lrange(key, 0, limit - 1);
    const entries: OrderEntry[] = [];
    for (const text of texts) {
      const entry = parseEntry(text);
      if (entry) entries.push(entry);
      else await this.redis.lrem(key, 1, text);
    }
    return entries;
  }

  async dropFromOrder(orderKey: string, entry: OrderEntry): Promise<void> {
    await this.redis.lrem(this.keys.order(orderKey), 1, entryText(entry));
  }

  async inOrder(orderKey: string, entry: OrderEntry): Promise<boolean> {
    return (await this.redis.lpos(this.keys.order(orderKey), entryText(entry))) !== null;
  }

  async appendToOrder(orderKey: string, entry: OrderEntry): Promise<void> {
    const key = this.keys.order(orderKey);
    await this.redis.multi().rpush(key, entryText(entry)).expire(key, TTL_SECONDS).exec();
  }

  /** Every notification of a rollback, in the order they were enqueued. */
  async read(jobId: string): Promise<NotificationTimeline> {
    const fields = await this.redis.hgetall(this.keys.timeline(jobId));
    const stored: StoredRecord[] = [];
    let unreadable = 0;
    for (const [field, raw] of Object.entries(fields)) {
      if (field === SEQUENCE_FIELD) continue;
      const record = parseStoredRecord(raw);
      if (record && record.id === field && record.jobId === jobId) stored.push(record);
      else unreadable++;
    }
    stored.sort((a, b) => a.sequence - b.sequence);
    return { entries: stored.map(toRecord), unreadable };
  }
}

function entryText(entry: OrderEntry): string {
  return JSON.stringify([entry.bullId, entry.jobId, entry.id]);
}

function parseEntry(text: string): OrderEntry | undefined {
  try {
    const parsed = orderEntrySchema.safeParse(JSON.parse(text));
    return parsed.success ? { bullId: parsed.data[0], jobId: parsed.data[1], id: parsed.data[2] } : undefined;
  } catch {
    return undefined;
  }
}
