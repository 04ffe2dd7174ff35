import type { Logger } from '../observability/logger.js';
import type { CancelRequest, CancelSignals } from '../rollback/ports/cancellation.js';
import type { RedisKeys } from './redis-keys.js';
import { CANCEL_REQUEST_RECORD } from './records/cancel-request-record.js';
import { decodeFields, encodeRecord, MalformedRecords, readStoredRecord } from './stored-record.js';
import type { RedisClient } from './redis-client.js';

/** A cancel flag outlives any job it could apply to (locks expire after a day too). */
const FLAG_TTL_SECONDS = 7 * 24 * 3600;

type Listener = (request: CancelRequest) => void;

/**
 * Cross-process cancel over Redis: a durable flag per job (`SET NX`, the first request wins) plus a
 * pub/sub broadcast. Workers subscribe and abort the jobs they hold; after every (re)connect they read
 * the flags of their jobs again, so a broadcast missed while disconnected still cancels.
 */
export class RedisCancellation implements CancelSignals {
  private subscriber: RedisClient | undefined;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly malformed: MalformedRecords;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly log: Logger,
    /** Opens the subscription's own connection (a subscribed connection can do nothing else). */
    private readonly openSubscriber: () => RedisClient,
  ) {
    this.malformed = new MalformedRecords(log);
  }

  async request(jobId: string, request: CancelRequest): Promise<CancelRequest> {
    const key = this.keys.cancelRequested(jobId);
    const set = await this.redis.set(
      key,
      encodeRecord(CANCEL_REQUEST_RECORD, request),
      'EX',
      FLAG_TTL_SECONDS,
      'NX',
    );
    const stored = set === 'OK' ? request : ((await this.requested(jobId)) ?? request);
    const message = { jobId, request: { schemaVersion: CANCEL_REQUEST_RECORD.version, ...stored } };
    await this.redis.publish(this.keys.cancelChannel(), JSON.stringify(message));
    return stored;
  }

  async requested(jobId: string): Promise<CancelRequest | undefined> {
    const key = this.keys.cancelRequested(jobId);
    return readStoredRecord(CANCEL_REQUEST_RECORD, key, await this.redis.get(key), this.malformed);
  }

  /** Worker side: subscribes to the broadcast (one extra connection per process). */
  async start(): Promise<void> {
    if (this.subscriber) return;
    const subscriber = this.openSubscriber();
    this.subscriber = subscriber;
    subscriber.on('error', (error: unknown) => this.log.warn({ err: error }, 'cancel subscriber error'));
    subscriber.on('message', (_channel: string, message: string) => {
      const parsed = parseCancelMessage(message);
      if (parsed) this.deliver(parsed.jobId, parsed.request);
      else this.log.warn('ignored a malformed cancel message');
    });
    subscriber.on('ready', () => void this.recheck());
    subscriber.on('error', (error: unknown) => this.log.warn({ err: error }, 'cancel subscriber error'));
    await subscriber.subscribe(this.keys.cancelChannel());
  }

  /** Calls `onCancel` once if the job is (or already was) cancelled while watched. Returns the unwatch. */
  watch(jobId: string, onCancel: Listener): () => void {
    let fired = false;
    const once: Listener = (request) => {
      if (fired) return;
      fired = true;
      onCancel(request);
    };
    const set = this.listeners.get(jobId) ?? new Set<Listener>();
    set.add(once);
    this.listeners.set(jobId, set);
    void this.requested(jobId).then(
      (request) => request && once(request),
      () => undefined,
    );
    return () => {
      set.delete(once);
      if (set.size === 0) this.listeners.delete(jobId);
    };
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private deliver(jobId: string, request: CancelRequest): void {
    for (const listener of [...(this.listeners.get(jobId) ?? [])]) listener(request);
  }

  private async recheck(): Promise<void> {
    for (const jobId of [...this.listeners.keys()]) {
      const request = await this.requested(jobId).catch(() => undefined);
      if (request) this.deliver(jobId, request);
    }
  }
}

/** A cancel broadcast: `{ jobId, request }`, the request a versioned record like the flag. */
function parseCancelMessage(message: string): { jobId: string; request: CancelRequest } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  const { jobId, request } = (parsed ?? {}) as { jobId?: unknown; request?: unknown };
  if (typeof jobId !== 'string' || typeof request !== 'object' || request === null) return undefined;
  const decoded = decodeFields(CANCEL_REQUEST_RECORD, request as Record<string, unknown>);
  return decoded.ok ? { jobId, request: decoded.value } : undefined;
}
