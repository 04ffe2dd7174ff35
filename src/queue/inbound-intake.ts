import type { InboundEvent } from './inbound-event-queue.js';

export interface IntakeDeps {
  /** SET NX per key, in one round trip; true where this is the first delivery. */
  claimMany(keys: readonly string[]): Promise<boolean[]>;
  releaseMany(keys: readonly string[]): Promise<void>;
  /** Adds the claimed events as jobs, in one round trip. */
  addMany(items: readonly { dedupeKey: string; event: InboundEvent }[]): Promise<void>;
}

interface Pending {
  dedupeKey: string;
  event: InboundEvent;
  settle: (answer: 'accepted' | 'duplicate') => void;
  fail: (error: unknown) => void;
}

/** At most this many deliveries share a round trip. */
const MAX_BATCH = 200;
/** Batches sent before the first answers (a different event per batch, so their order does not matter). */
const MAX_IN_FLIGHT = 4;

/**
 * Takes webhook deliveries in batches: every delivery that arrives while batches are in flight joins the next
 * one, which claims all their dedupe keys in one pipeline and adds all their jobs in one
 * `addBulk`. Under load that is two Redis round trips for many requests instead of two each; alone, a
 * delivery goes at once. A batch whose jobs could not be added releases its claims and fails every
 * delivery in it (answered 5xx, so PagerDuty delivers again): nothing is lost and nothing is taken twice.
 */
export class InboundIntake {
  #pending: Pending[] = [];
  #inFlight = 0;

  constructor(private readonly deps: IntakeDeps) {}

  accept(dedupeKey: string, event: InboundEvent): Promise<'accepted' | 'duplicate'> {
    return new Promise((settle, fail) => {
      this.#pending.push({ dedupeKey, event, settle, fail });
      if (this.#inFlight < MAX_IN_FLIGHT) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#inFlight++;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, MAX_BATCH);
      await this.#take(batch);
    }
    this.#inFlight--;
  }

  async #take(batch: Pending[]): Promise<void> {
    let claimedKeys: string[] = [];
    try {
      // The same event twice in one batch: only its first copy may claim.
      const keys = batch.map((p) => p.dedupeKey);
      const claims = await this.deps.claimMany(keys);
      const firsts = batch.filter(
        (p, index) => claims[index] === true && keys.indexOf(p.dedupeKey) === index,
      );
      claimedKeys = batch.filter((_, index) => claims[index] === true).map((p) => p.dedupeKey);
      await this.deps.addMany(firsts.map((p) => ({ dedupeKey: p.dedupeKey, event: p.event })));
      for (const p of batch) p.settle(firsts.includes(p) ? 'accepted' : 'duplicate');
    } catch (error) {
      await this.deps.releaseMany(claimedKeys).catch(() => undefined);
      for (const p of batch) p.fail(error);
    }
  }
}
