import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { describeError } from '../errors/rollback-error.js';
import type { Logger } from '../observability/logger.js';
import type { RedisClient } from '../stores/redis-client.js';
import type { InboundEntry, RedisInboundStream } from '../stores/redis-inbound-stream.js';
import { type InboundEvent } from './inbound-event-queue.js';
import { readInboundFields } from './inbound-stream-fields.js';

export interface InboundStreamDrainOptions {
  stream: RedisInboundStream;
  /** A connection of the drain's own: its reads block. Closed by `stop`. */
  reader: RedisClient;
  /**
   * Handles or queues a batch of events. The batch is acknowledged once it resolves; when it throws (or the
   * process dies first) its entries are delivered again: at least once. While it runs its entries stay
   * claimed by this consumer, so a slow batch is not taken over by another process.
   */
  deliver(items: readonly { dedupeKey: string; event: InboundEvent }[]): Promise<void>;
  log: Logger;
  /** Entries per read (default 500). */
  batch?: number;
  /** How long a read waits for new entries (default 2 s). */
  blockMs?: number;
  /** Entries another consumer read this long ago without acknowledging them are taken over (default 30 s). */
  claimIdleMs?: number;
  /**
   * When this process's intake was last under pressure (epoch ms). During a burst of webhooks the drain
   * waits, so answering PagerDuty in time comes first: the backlog is durable in the stream. After
   * `maxDeferMs` it moves the whole backlog anyway, then waits again. A trickle is moved at once.
   */
  intakePressedAt?: () => number;
  /** Longest wait for a busy intake (default 5 s, PagerDuty's own answer deadline). */
  maxDeferMs?: number;
}

/** The intake counts as busy when it was under pressure this recently. */
const BUSY_WINDOW_MS = 100;
/** How often a waiting drain looks at the intake again. */
const YIELD_POLL_MS = 25;

/**
 * Reads webhook deliveries from the inbound stream in batches and hands each batch to `deliver` (handled in
 * this process, or queued), then acknowledges and deletes it (one read, one acknowledge-and-delete a batch).
 * At least once: a batch is acknowledged only after `deliver` resolved, a batch it threw on is read again
 * from this consumer's pending entries, and entries left by a consumer that died are claimed by another after
 * `claimIdleMs` (a live consumer renews its claim while it works), which then removes the dead consumer from
 * the group (once it holds no entries).
 */
export class InboundStreamDrain {
  readonly #consumer = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly #batch: number;
  readonly #blockMs: number;
  readonly #claimIdleMs: number;
  #stopped = false;
  #catchingUp = false;
  #running: Promise<void> | undefined;

  constructor(private readonly options: InboundStreamDrainOptions) {
    this.#batch = options.batch ?? 500;
    this.#blockMs = options.blockMs ?? 2_000;
    this.#claimIdleMs = options.claimIdleMs ?? 30_000;
    // Its connection errors surface as failed reads, which the loop logs and retries.
    options.reader.on('error', () => undefined);
  }

  start(): void {
    this.#running ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    // Ends a blocked read at once; the entries it had not read stay in the stream for the next process.
    this.options.reader.disconnect();
    await this.#running;
  }

  async #run(): Promise<void> {
    const { stream, log } = this.options;
    let failures = 0;
    let ownPending = true;
    let lastClaim = 0;
    while (!this.#stopped) {
      try {
        if (failures > 0 || ownPending) await stream.ensureGroup();
        let entries: InboundEntry[] = [];
        if (ownPending) entries = await stream.readOwnPending(this.#consumer, this.#batch);
        ownPending = entries.length > 0;
        if (entries.length === 0 && Date.now() - lastClaim >= this.#claimIdleMs / 2) {
          lastClaim = Date.now();
          entries = await stream.claimStale(this.#consumer, this.#claimIdleMs, this.#batch);
          ownPending = entries.length > 0;
          await this.#removeLeftConsumers();
        }
        if (entries.length === 0) {
          if (!this.#catchingUp) await this.#yieldToIntake();
          entries = await stream.readNew(this.options.reader, this.#consumer, this.#batch, this.#blockMs);
          // A full batch: more are waiting; move them all before yielding again.
          this.#catchingUp = entries.length === this.#batch;
        }
        await this.#queue(entries);
        failures = 0;
      } catch (error) {
        if (this.#stopped) break;
        failures++;
        ownPending = true;
        log.warn(
          { error: describeError(error), failures },
          'inbound stream: could not queue deliveries; retrying',
        );
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(5_000, 100 * 2 ** Math.min(failures, 6))),
        );
      }
    }
  }

  /**
   * Forgets the consumers of processes that are gone, once their entries were taken over: without it the
   * group keeps one name per process that ever ran (each process reads under a name of its own).
   */
  async #removeLeftConsumers(): Promise<void> {
    const removed = await this.options.stream.removeIdleConsumers(this.#consumer, this.#claimIdleMs);
    if (removed.length > 0)
      this.options.log.info({ consumers: removed }, 'inbound stream: removed consumers that left');
  }

  /** Waits while the intake is busy answering webhooks, at most `maxDeferMs`. */
  async #yieldToIntake(): Promise<void> {
    const pressedAt = this.options.intakePressedAt;
    if (!pressedAt) return;
    const until = Date.now() + (this.options.maxDeferMs ?? 5_000);
    while (!this.#stopped && Date.now() < until && Date.now() - pressedAt() < BUSY_WINDOW_MS)
      await new Promise((resolve) => setTimeout(resolve, YIELD_POLL_MS));
  }

  async #queue(entries: readonly InboundEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const items: { dedupeKey: string; event: InboundEvent }[] = [];
    for (const entry of entries) {
      const item = readInboundFields(entry.fields);
      if (item) items.push(item);
      else this.options.log.error({ entry: entry.id }, 'inbound stream: dropped an entry it cannot read');
    }
    const ids = entries.map((entry) => entry.id);
    // Taken over only after claimIdleMs without news: renewed while the batch is being handled.
    const keep = setInterval(
      () => void this.options.stream.keepClaimed(this.#consumer, ids).catch(() => undefined),
      this.#claimIdleMs / 3,
    );
    try {
      await this.options.deliver(items);
    } finally {
      clearInterval(keep);
    }
    await this.options.stream.ack(ids);
  }
}
