import type { IncomingEvent } from './inbound-event-queue.js';

export interface IntakeDeps {
  /**
   * Claims each delivery's dedupe key and, where the claim is new, stores the delivery durably: one
   * atomic round trip for the batch. True where the delivery was taken now, false for a duplicate.
   */
  appendMany(items: readonly { dedupeKey: string; event: IncomingEvent }[]): Promise<boolean[]>;
  /** Epoch ms (default Date.now): when a burst began and ended. */
  clock?: () => number;
}

interface Pending {
  dedupeKey: string;
  event: IncomingEvent;
  settle: (answer: 'accepted' | 'duplicate') => void;
  fail: (error: unknown) => void;
}

/** At most this many deliveries share a round trip. */
const MAX_BATCH = 200;
/** More deliveries than this within RATE_WINDOW_MS (200 a second) is a burst, not a trickle. */
const PRESSED_RATE = 20;
const RATE_WINDOW_MS = 100;
/**
 * Batches sent before the first answers (a different event per batch, so their order does not matter; Redis
 * runs the scripts one after the other, so a redelivery split across two batches is still told apart).
 * Under a burst each batch first gathers: it waits up to GATHER_TURNS turns of the event loop (each reads
 * the requests that arrived meanwhile) while it holds fewer than GATHER_BATCH deliveries, so a burst costs
 * few round trips (each a system call each way and a wake-up of Redis on the same cores). A turn with nothing
 * to read takes microseconds, and a trickle (no burst) is sent at once.
 *
 * Measured side by side (BENCHMARKS.md, 2026-12-04 03:19–04:17, 20 connections): gathering took a burst from
 * 7.5 to about 10 deliveries a batch and cut Redis's CPU per delivery by a third; then two batches in flight
 * of at least 10 took about 10 % more webhooks per second than one of at least 20 (the second batch no longer
 * waits for the first's answer while the process has nothing else to do). Without gathering, one batch in
 * flight had been ahead of four (21:55).
 */
const MAX_IN_FLIGHT = 2;
const GATHER_TURNS = 4;
const GATHER_BATCH = 10;

/**
 * Takes webhook deliveries in batches: every delivery that arrives while batches are in flight joins the next
 * one, which claims all their dedupe keys and appends the new ones to the inbound stream in one atomic
 * script (`RedisInboundStream`); the stream's drain queues them. Under load that is one Redis round trip
 * for many requests; alone, a delivery goes at once (once the requests read in the same turn of the event
 * loop have joined it). A batch Redis did not take fails every delivery in it
 * (answered 5xx, so PagerDuty delivers again): as the claim and the append are one script, nothing is
 * remembered without being stored, so the retry is taken.
 */
export class InboundIntake {
  #pending: Pending[] = [];
  #inFlight = 0;
  #pressedAt = 0;
  #windowStart = 0;
  #inWindow = 0;
  #starting = false;

  readonly #now: () => number;

  constructor(private readonly deps: IntakeDeps) {
    this.#now = deps.clock ?? Date.now;
  }

  /**
   * When the intake was last under pressure (epoch ms): deliveries waiting behind a full window of batches in
   * flight, or more than a trickle arriving (PRESSED_RATE deliveries within 100 ms). The drain yields to an
   * intake under pressure.
   */
  get pressedAt(): number {
    return this.#pending.length > 0 ? this.#now() : this.#pressedAt;
  }

  accept(dedupeKey: string, event: IncomingEvent): Promise<'accepted' | 'duplicate'> {
    const now = this.#now();
    if (now - this.#windowStart >= RATE_WINDOW_MS) {
      this.#windowStart = now;
      this.#inWindow = 0;
    }
    if (++this.#inWindow >= PRESSED_RATE) this.#pressedAt = now;
    return new Promise((settle, fail) => {
      this.#pending.push({ dedupeKey, event, settle, fail });
      if (this.#inFlight < MAX_IN_FLIGHT && !this.#starting) {
        // Sent once the event loop has read every request that arrived together, so they share a batch.
        this.#starting = true;
        setImmediate(() => {
          this.#starting = false;
          void this.#flush();
        });
      }
    });
  }

  async #flush(): Promise<void> {
    this.#inFlight++;
    while (this.#pending.length > 0) {
      await this.#gather();
      // The other batch in flight may have taken them meanwhile.
      if (this.#pending.length === 0) break;
      const batch = this.#pending.splice(0, MAX_BATCH);
      await this.#take(batch);
    }
    this.#inFlight--;
  }

  /** Under a burst, lets a few more turns of the event loop add the requests that arrived to the batch. */
  async #gather(): Promise<void> {
    for (
      let turn = 0;
      turn < GATHER_TURNS &&
      this.#pending.length < GATHER_BATCH &&
      this.#now() - this.#pressedAt < RATE_WINDOW_MS;
      turn++
    )
      await new Promise((resolve) => setImmediate(resolve));
  }

  async #take(batch: Pending[]): Promise<void> {
    try {
      const taken = await this.deps.appendMany(
        batch.map((p) => ({ dedupeKey: p.dedupeKey, event: p.event })),
      );
      batch.forEach((p, index) => p.settle(taken[index] === true ? 'accepted' : 'duplicate'));
    } catch (error) {
      for (const p of batch) p.fail(error);
    }
  }
}
