import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { RedisClient } from '../stores/redis-client.js';
import type { Logger } from '../observability/logger.js';
import { describeError, PermanentError } from '../errors/rollback-error.js';
import type { Notification } from '../rollback/ports/notification-outbox.js';
import { NOTIFICATION_QUEUE, type NotificationJobData } from './bullmq-notification-outbox.js';
import type { Deliverers } from './deliverer.js';
import { parseNotificationJob } from './notification-job-schema.js';
import type { StoredRecord } from './notification-record-schema.js';
import { findBlocker } from './order-gate.js';
import { bullJobId, orderKeyOf, OutboxKeys } from './outbox-keys.js';
import { DEFAULT_OUTBOX_POLICY, outboxRetryDelay, type OutboxPolicy } from './outbox-policy.js';
import { RedisNotificationTimeline, type OrderEntry } from './redis-notification-timeline.js';

export interface OutboxWorkerOptions {
  connection: ConnectionOptions;
  redis: RedisClient;
  prefix: string;
  deliverers: Deliverers;
  log: Logger;
  policy?: Partial<OutboxPolicy>;
  /** Notifications delivered at once (different order keys). Default 8. */
  concurrency?: number;
}

/** Carries the delay the worker chose to BullMQ's backoff strategy, so the timeline shows the real time. */
class RetryScheduled extends Error {
  constructor(
    readonly delayMs: number,
    cause: unknown,
  ) {
    super(describeError(cause).message, { cause });
  }
}

/**
 * Delivers queued notifications: skips those already sent (dedupe across redeliveries and resumed
 * workers), holds one back while an earlier one of its order key is pending, records every attempt in the
 * rollback's timeline, retries with backoff (honouring Retry-After) and gives up on permanent errors or
 * after the policy's attempts.
 */
export function startOutboxWorker(options: OutboxWorkerOptions): {
  worker: Worker<NotificationJobData>;
  close(): Promise<void>;
} {
  const policy = { ...DEFAULT_OUTBOX_POLICY, ...options.policy };
  const timeline = new RedisNotificationTimeline(options.redis, new OutboxKeys(options.prefix));
  const queue = new Queue(NOTIFICATION_QUEUE, {
    connection: options.connection,
    prefix: `${options.prefix}:bull`,
  });
  queue.on('error', (error) => options.log.warn({ err: error }, 'notification queue: Redis error'));
  const deliver = new Delivery(options, policy, timeline, queue);
  const worker = new Worker<NotificationJobData>(
    NOTIFICATION_QUEUE,
    (job, token, signal) => deliver.run(job, token, signal),
    {
      connection: options.connection,
      prefix: `${options.prefix}:bull`,
      concurrency: options.concurrency ?? 8,
      settings: {
        backoffStrategy: (attemptsMade, _type, error) =>
          error instanceof RetryScheduled ? error.delayMs : outboxRetryDelay(policy, attemptsMade, error),
      },
    },
  );
  worker.on('error', (error) =>
    options.log.error({ error: describeError(error) }, 'notification worker error'),
  );
  return {
    worker,
    close: async () => {
      await worker.close();
      await queue.close();
    },
  };
}

class Delivery {
  constructor(
    private readonly options: OutboxWorkerOptions,
    private readonly policy: OutboxPolicy,
    private readonly timeline: RedisNotificationTimeline,
    private readonly queue: Queue,
  ) {}

  async run(
    job: Job<NotificationJobData>,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const notification = parseNotificationJob(job.data);
    if (!notification)
      throw new UnrecoverableError('notification job data is not a notification this version reads');
    const orderKey = orderKeyOf(notification);
    const entry: OrderEntry = {
      bullId: bullJobId(notification.id),
      jobId: notification.jobId,
      id: notification.id,
    };
    const order = orderKey ? { key: orderKey, entry } : undefined;
    const record = await this.#record(notification, job, order);
    if (record.state === 'sent' || record.state === 'failed') {
      if (order) await this.timeline.dropFromOrder(order.key, entry);
      return;
    }
    if (order) {
      const blocker = await findBlocker(this.timeline, this.queue, order.key, entry, job.timestamp);
      if (blocker) {
        if (record.state !== 'waiting' || record.waitingFor !== blocker.label)
          await this.timeline.put({ ...record, state: 'waiting', waitingFor: blocker.label });
        // Look again when the earlier one is next tried, or soon if it is being tried right now.
        const now = Date.now();
        const next = blocker.nextAttemptAt;
        await job.moveToDelayed(
          next !== undefined && next > now ? next + 50 : now + this.policy.orderPollMs,
          token,
        );
        throw new DelayedError();
      }
    }
    await this.#attempt(notification, record, job, signal, order);
  }

  async #attempt(
    notification: Notification,
    record: StoredRecord,
    job: Job<NotificationJobData>,
    signal: AbortSignal | undefined,
    order: { key: string; entry: OrderEntry } | undefined,
  ): Promise<void> {
    const attempts = record.attempts + 1;
    const { waitingFor: _w, nextAttemptAt: _n, ...base } = record;
    try {
      await this.#send(notification, {
        notificationId: notification.id,
        jobId: notification.jobId,
        attempt: attempts,
        signal,
      });
    } catch (error) {
      const lastError = { code: describeError(error).code, message: describeError(error).message };
      const final = error instanceof PermanentError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.options.log.warn(
        {
          notification: notification.id,
          channel: notification.channel,
          attempt: attempts,
          final,
          error: lastError,
        },
        'could not deliver a notification',
      );
      if (final) {
        await this.timeline.finish(
          { ...base, state: 'failed', attempts, lastError, failedAt: new Date().toISOString() },
          order,
        );
        throw new UnrecoverableError(lastError.message);
      }
      const delayMs = outboxRetryDelay(this.policy, job.attemptsMade + 1, error);
      const nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
      await this.timeline.put({ ...base, state: 'retrying', attempts, lastError, nextAttemptAt });
      throw new RetryScheduled(delayMs, error);
    }
    await this.timeline.finish({ ...base, state: 'sent', attempts, sentAt: new Date().toISOString() }, order);
  }

  async #send(
    notification: Notification,
    context: Parameters<NonNullable<Deliverers['pagerduty-note']>>[1],
  ): Promise<void> {
    const { deliverers } = this.options;
    switch (notification.channel) {
      case 'pagerduty-note':
        return call(deliverers['pagerduty-note'], notification.payload);
      case 'pagerduty-status':
        return call(deliverers['pagerduty-status'], notification.payload);
      case 'pagerduty-responders':
        return call(deliverers['pagerduty-responders'], notification.payload);
      case 'slack-stakeholder':
        return call(deliverers['slack-stakeholder'], notification.payload);
      case 'status-page':
        return call(deliverers['status-page'], notification.payload);
    }
    function call<P>(deliverer: ((payload: P, c: typeof context) => Promise<void>) | undefined, payload: P) {
      if (!deliverer)
        throw new PermanentError(
          'outbox_no_deliverer',
          `Nothing is configured to deliver ${notification.channel} notifications.`,
        );
      return deliverer(payload, context);
    }
  }

  /** The stored record; registered again if it is missing (expired, or Redis lost it). */
  async #record(
    notification: Notification,
    job: Job<NotificationJobData>,
    order: { key: string; entry: OrderEntry } | undefined,
  ): Promise<StoredRecord> {
    const existing = await this.timeline.get(notification.jobId, notification.id);
    if (existing) return existing;
    await this.timeline.register(
      {
        schemaVersion: 1,
        id: notification.id,
        channel: notification.channel,
        jobId: notification.jobId,
        label: notification.label,
        state: 'queued',
        sequence: 0,
        queuedAt: new Date(job.timestamp).toISOString(),
        attempts: 0,
      },
      order,
    );
    const registered = await this.timeline.get(notification.jobId, notification.id);
    if (!registered) throw new Error(`the outbox record of ${notification.id} cannot be read`);
    return registered;
  }
}
