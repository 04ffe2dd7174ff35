import { describeError, PermanentError } from '../errors/rollback-error.js';
import type { Logger } from '../observability/logger.js';
import type { InboundEvent } from './inbound-event-queue.js';

export interface InboundItem {
  dedupeKey: string;
  event: InboundEvent;
}

/** What became of an event read from the inbound stream. */
export type InboundOutcome = 'handled' | 'retrying' | 'dropped';

export interface InlineHandlingOptions {
  /** Announces, reminds, runs the action; throws PermanentError to give up, anything else to retry. */
  handle(event: InboundEvent): Promise<void>;
  /** Queues the events whose handling failed for a retry with backoff (the BullMQ inbound queue). */
  retryLater(items: readonly InboundItem[]): Promise<void>;
  /** Events handled at the same time (default 4, as the inbound worker). */
  concurrency?: number;
  counted?: (outcome: InboundOutcome, count: number) => void;
  /**
   * While this says so (webhooks are arriving), each lane lets the event loop turn between two events, so
   * the requests that arrived are read and answered first: a batch handled in one go would hold them for
   * its whole length (500 events, tens of ms).
   */
  yieldWhile?: () => boolean;
  log: Logger;
}

/**
 * Handles a batch read from the inbound stream in the process that read it, without a BullMQ job per event
 * (a job costs several Redis scripts, which a storm of incidents multiplies): each event is handled, at most
 * `concurrency` at a time. One that fails and may succeed later (Slack or PagerDuty not answering) goes to
 * the BullMQ inbound queue, retried there with backoff; one that can never succeed is logged and dropped.
 * It resolves once every event is handled, dropped or queued, and the drain acknowledges the batch only then:
 * a crash before that leaves the entries to be handled again (at least once, like a job whose worker died).
 */
export function handleInline(
  options: InlineHandlingOptions,
): (items: readonly InboundItem[]) => Promise<void> {
  const concurrency = Math.max(1, options.concurrency ?? 4);
  return async (items) => {
    const retry: InboundItem[] = [];
    let handled = 0;
    let dropped = 0;
    let next = 0;
    const lane = async () => {
      while (next < items.length) {
        const item = items[next++] as InboundItem;
        try {
          await options.handle(item.event);
          handled++;
        } catch (error) {
          const failure = { source: item.event.source, error: describeError(error) };
          if (error instanceof PermanentError) {
            dropped++;
            options.log.warn(failure, 'could not handle an inbound event');
          } else {
            retry.push(item);
            options.log.info(failure, 'could not handle an inbound event yet: queued for a retry');
          }
        }
        if (options.yieldWhile?.()) await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
    if (retry.length > 0) await options.retryLater(retry);
    options.counted?.('handled', handled);
    options.counted?.('dropped', dropped);
    options.counted?.('retrying', retry.length);
  };
}
