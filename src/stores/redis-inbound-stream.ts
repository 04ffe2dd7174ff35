import { hash } from 'node:crypto';
import type { RedisClient } from './redis-client.js';
import type { RedisKeys } from './redis-keys.js';

/** PagerDuty retries a delivery for up to 48 hours: remember each one a little longer. */
const DEFAULT_TTL_SECONDS = 72 * 3600;
const GROUP = 'inbound';

/**
 * For each delivery: claim its dedupe key (SET NX EX) and, only if the claim is new, append it to the stream.
 * One atomic script per batch, so a delivery is never remembered without being appended, nor appended twice.
 * KEYS: the stream, then one dedupe key per delivery. ARGV: TTL seconds, then per delivery its meta text and
 * its body (two arguments a delivery: a batch is cheap to send, unpack and store). Returns 1 (appended) or 0
 * (a duplicate) per delivery, in order.
 */
const APPEND_SCRIPT = `
local taken = {}
for i = 2, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'EX', ARGV[1], 'NX') then
    redis.call('XADD', KEYS[1], '*', 'm', ARGV[2 * i - 2], 'b', ARGV[2 * i - 1])
    taken[i - 1] = 1
  else
    taken[i - 1] = 0
  end
end
return taken
`;

/**
 * Deletes the group's consumers that hold no pending entries and were last seen at least ARGV[1] ms ago,
 * except ARGV[2] (the caller). Checked and deleted in one script, so a consumer that reads entries meanwhile
 * is never deleted with them (XGROUP DELCONSUMER drops a consumer's pending entries). KEYS: the stream.
 * ARGV: idle ms, the caller's name, the group. Returns the names deleted.
 */
const REMOVE_IDLE_SCRIPT = `
local removed = {}
for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[3])) do
  local info = {}
  for i = 1, #consumer, 2 do info[consumer[i]] = consumer[i + 1] end
  if info['name'] ~= ARGV[2] and tonumber(info['pending']) == 0 and tonumber(info['idle']) >= tonumber(ARGV[1]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[3], info['name'])
    removed[#removed + 1] = info['name']
  end
end
return removed
`;

/** A delivery's stream fields, by name (a few short names; values as stored). */
export type InboundFields = Readonly<Record<string, string>>;

/**
 * What is appended for one delivery: a short text about it (`m`) and its body as received (`b`; the bytes
 * of a request are sent as they are, never decoded and encoded again). Read back as text.
 */
export interface InboundRecord {
  meta: string;
  body: string | Buffer;
}

/** One stream entry: its id and the fields appended (empty when the entry was deleted while pending). */
export interface InboundEntry {
  id: string;
  fields: InboundFields;
}

type RawEntries = [string, string[] | null][];

/**
 * The inbound stream (`<prefix>:rb:inbound`): webhook deliveries appended with their dedupe claim in one
 * round trip per batch, read back by a consumer group that queues them and then acknowledges and deletes
 * them. Entries a consumer read but never acknowledged (it crashed) stay pending and are claimed by
 * another after a while: at-least-once, so the reader must queue idempotently.
 *
 * The dedupe keys are the replay cache's (`<prefix>:rb:replay:<sha256 of "pagerduty:<key>">`).
 */
export class RedisInboundStream {
  readonly #stream: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly ttlSeconds = DEFAULT_TTL_SECONDS,
  ) {
    this.#stream = keys.inboundStream();
  }

  /** Claims and appends each delivery that was not taken before; true where it was appended now. */
  async appendMany(items: readonly { dedupeKey: string; record: InboundRecord }[]): Promise<boolean[]> {
    if (items.length === 0) return [];
    const keys = [this.#stream];
    const values: (string | Buffer)[] = [String(this.ttlSeconds)];
    for (const { dedupeKey, record } of items) {
      keys.push(this.#dedupeKey(dedupeKey));
      values.push(record.meta, record.body);
    }
    const answer = (await this.redis.eval(APPEND_SCRIPT, keys.length, ...keys, ...values)) as number[];
    return items.map((_, index) => answer[index] === 1);
  }

  /** Creates the consumer group (reading from the stream's start) unless it exists. */
  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.#stream, GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
  }

  /**
   * New entries for `consumer`, waiting up to `blockMs` for some. Blocks its connection: pass a connection
   * of the reader's own (`reader`).
   */
  async readNew(
    reader: RedisClient,
    consumer: string,
    count: number,
    blockMs: number,
  ): Promise<InboundEntry[]> {
    const answer = (await reader.xreadgroup(
      'GROUP',
      GROUP,
      consumer,
      'COUNT',
      count,
      'BLOCK',
      blockMs,
      'STREAMS',
      this.#stream,
      '>',
    )) as [string, RawEntries][] | null;
    return toEntries(answer?.[0]?.[1] ?? []);
  }

  /** Entries `consumer` read before and has not acknowledged (its batch could not be queued). */
  async readOwnPending(consumer: string, count: number): Promise<InboundEntry[]> {
    const answer = (await this.redis.xreadgroup(
      'GROUP',
      GROUP,
      consumer,
      'COUNT',
      count,
      'STREAMS',
      this.#stream,
      '0',
    )) as [string, RawEntries][] | null;
    return toEntries(answer?.[0]?.[1] ?? []);
  }

  /** Takes over entries another consumer read more than `idleMs` ago without acknowledging them. */
  async claimStale(consumer: string, idleMs: number, count: number): Promise<InboundEntry[]> {
    const answer = (await this.redis.xautoclaim(
      this.#stream,
      GROUP,
      consumer,
      idleMs,
      '0',
      'COUNT',
      count,
    )) as [string, RawEntries, string[]?];
    return toEntries(answer[1] ?? []);
  }

  /**
   * Tells the group that `consumer` still works on these entries (XCLAIM to itself, JUSTID: their idle time
   * starts again and their delivery count stays), so they are not taken over as a dead consumer's.
   */
  async keepClaimed(consumer: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.xclaim(this.#stream, GROUP, consumer, 0, ...ids, 'JUSTID');
  }

  /**
   * Removes the consumers that left: no pending entries (another consumer took them over, or they never had
   * any) and not seen for `idleMs`, except `keep`. Each process reads under a name of its own, so without
   * this the group would keep one name per process that ever ran. A live consumer removed by mistake (it
   * waited longer than `idleMs` between reads) loses nothing: its next read creates it again.
   */
  async removeIdleConsumers(keep: string, idleMs: number): Promise<string[]> {
    return (await this.redis.eval(REMOVE_IDLE_SCRIPT, 1, this.#stream, idleMs, keep, GROUP)) as string[];
  }

  /** Acknowledges and deletes the entries (they are queued): one MULTI. */
  async ack(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const answer = await this.redis
      .multi()
      .xack(this.#stream, GROUP, ...ids)
      .xdel(this.#stream, ...ids)
      .exec();
    const failed = answer?.find(([error]) => error);
    if (!answer || failed) throw failed?.[0] ?? new Error('inbound stream: acknowledgement discarded');
  }

  /** Entries appended and not yet queued: in the stream, read or not. */
  async backlog(): Promise<number> {
    return this.redis.xlen(this.#stream);
  }

  #dedupeKey(dedupeKey: string): string {
    // One-shot hash (no Hash object per delivery): the same hex digest of the same UTF-8 text.
    return this.keys.replay(hash('sha256', `pagerduty:${dedupeKey}`, 'hex'));
  }
}

/** Entries deleted while pending come back without fields. */
function toEntries(raw: RawEntries): InboundEntry[] {
  return raw.map(([id, pairs]) => {
    const fields: Record<string, string> = {};
    for (let i = 0; pairs && i + 1 < pairs.length; i += 2)
      fields[pairs[i] as string] = pairs[i + 1] as string;
    return { id, fields };
  });
}
