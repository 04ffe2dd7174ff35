import { createHash } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { z } from 'zod';
import { describeError, PermanentError } from '../errors/rollback-error.js';
import type { Logger } from '../observability/logger.js';

export const INBOUND_EVENT_QUEUE = 'inbound-events';

/**
 * A verified inbound request waiting to be handled: the raw body as received (re-parsed by the handler
 * with its schema, never trusted from Redis as a typed object) and what its headers said.
 */
export const inboundEventSchema = z.object({
  source: z.enum(['pagerduty-event', 'pagerduty-action']),
  body: z.string(),
  webhookId: z.string().optional(),
  receivedAt: z.string(),
});
export type InboundEvent = z.output<typeof inboundEventSchema>;

/** An inbound event as a route hands it over: the body may still be the bytes received (stored as they are). */
export type IncomingEvent = Omit<InboundEvent, 'body'> & { body: string | Buffer };

export interface InboundEventQueueOptions {
  /** Producer connection (fail fast: the HTTP handler answers 500 rather than hang). */
  connection: ConnectionOptions;
  prefix: string;
  log?: Logger;
}

/**
 * Inbound webhooks (PagerDuty events and rollback actions) are acknowledged at once and handled here,
 * through BullMQ: retried with backoff when Slack or PagerDuty do not answer, resumed after a crash.
 * The job id is derived from the delivery's dedupe key, so the queue itself refuses a second copy too.
 */
export class InboundEventQueue {
  readonly queue: Queue<InboundEvent>;

  constructor(private readonly options: InboundEventQueueOptions) {
    this.queue = new Queue<InboundEvent>(INBOUND_EVENT_QUEUE, {
      connection: options.connection,
      prefix: `${options.prefix}:bull`,
    });
    this.queue.on('error', (error) => options.log?.warn({ err: error }, 'inbound queue: Redis error'));
  }

  async add(dedupeKey: string, event: InboundEvent): Promise<void> {
    await this.addMany([{ dedupeKey, event }]);
  }

  /** One `addBulk` (a single MULTI) for many events; `delayMs`: their first attempt waits that long. */
  async addMany(
    items: readonly { dedupeKey: string; event: InboundEvent }[],
    delayMs?: number,
  ): Promise<void> {
    if (items.length === 0) return;
    await this.queue.addBulk(
      items.map(({ dedupeKey, event }) => ({
        name: event.source,
        data: event,
        opts: {
          jobId: `in-${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 40)}`,
          attempts: 12,
          ...(delayMs === undefined ? {} : { delay: delayMs }),
          backoff: { type: 'exponential' as const, delay: 1_000 },
          removeOnComplete: { age: 3 * 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
  }

  /** Handles queued events; `handle` throws RetryableError to be retried, PermanentError to give up. */
  startWorker(
    connection: ConnectionOptions,
    handle: (event: InboundEvent) => Promise<void>,
    log: Logger,
  ): Worker<InboundEvent> {
    const worker = new Worker<InboundEvent>(
      INBOUND_EVENT_QUEUE,
      async (job) => {
        const event = inboundEventSchema.safeParse(job.data);
        if (!event.success)
          throw new UnrecoverableError('inbound job data is not an event this version reads');
        try {
          await handle(event.data);
        } catch (error) {
          if (error instanceof PermanentError) throw new UnrecoverableError(describeError(error).message);
          throw error;
        }
      },
      { connection, prefix: `${this.options.prefix}:bull`, concurrency: 4 },
    );
    worker.on('failed', (job, error) =>
      log.warn(
        { source: job?.data.source, error: describeError(error) },
        'could not handle an inbound event',
      ),
    );
    worker.on('error', (error) => log.error({ error: describeError(error) }, 'inbound worker error'));
    return worker;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
