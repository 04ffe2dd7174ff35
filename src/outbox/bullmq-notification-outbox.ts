import { Queue, type ConnectionOptions } from 'bullmq';
import type { RedisClient } from '../stores/redis-client.js';
import type { Logger } from '../observability/logger.js';
import { RetryableError } from '../errors/rollback-error.js';
import type {
  Notification,
  NotificationOutbox,
  NotificationTimeline,
} from '../rollback/ports/notification-outbox.js';
import type { StoredRecord } from './notification-record-schema.js';
import { DEFAULT_OUTBOX_POLICY, type OutboxPolicy } from './outbox-policy.js';
import { bullJobId, orderKeyOf, OutboxKeys } from './outbox-keys.js';
import { RedisNotificationTimeline } from './redis-notification-timeline.js';

export const NOTIFICATION_QUEUE = 'notifications';

/** What a notification's BullMQ job carries. */
export interface NotificationJobData {
  notification: Notification;
}

export interface OutboxOptions {
  /** BullMQ connection (like the other queues). */
  connection: ConnectionOptions;
  /** A fail-fast command connection for the records (see `createCommandConnection`). */
  redis: RedisClient;
  /** `REDIS_PREFIX`. */
  prefix: string;
  policy?: Partial<OutboxPolicy>;
  log?: Logger;
}

/**
 * The producer side of the notification outbox. `enqueue` registers the notification in its rollback's
 * timeline (one atomic script: dedupe by id, enqueue order, order list) and adds its delivery job to the
 * `notifications` queue; it never calls the destination. The job is added even for a duplicate id (BullMQ
 * ignores an existing job id), so a notification whose first enqueue was cut off between the two writes is
 * still delivered when the caller retries; the worker never sends one already sent.
 */
export class BullmqNotificationOutbox implements NotificationOutbox {
  readonly queue: Queue<NotificationJobData>;
  readonly policy: OutboxPolicy;
  readonly #timeline: RedisNotificationTimeline;

  constructor(private readonly options: OutboxOptions) {
    this.policy = { ...DEFAULT_OUTBOX_POLICY, ...options.policy };
    this.queue = new Queue<NotificationJobData>(NOTIFICATION_QUEUE, {
      connection: options.connection,
      prefix: `${options.prefix}:bull`,
    });
    this.queue.on('error', (error) => options.log?.warn({ err: error }, 'notification queue: Redis error'));
    this.#timeline = new RedisNotificationTimeline(options.redis, new OutboxKeys(options.prefix));
  }

  async enqueue(notification: Notification): Promise<'queued' | 'duplicate'> {
    const bullId = bullJobId(notification.id);
    const orderKey = orderKeyOf(notification);
    const record: StoredRecord = {
      schemaVersion: 1,
      id: notification.id,
      channel: notification.channel,
      jobId: notification.jobId,
      label: notification.label,
      state: 'queued',
      sequence: 0,
      queuedAt: new Date().toISOString(),
      attempts: 0,
    };
    const order = orderKey
      ? { key: orderKey, entry: { bullId, jobId: notification.jobId, id: notification.id } }
      : undefined;
    return this.#withinDeadline(async () => {
      const fresh = await this.#timeline.register(record, order);
      await this.queue.add(
        notification.channel,
        { notification },
        {
          jobId: bullId,
          attempts: this.policy.attempts,
          backoff: { type: 'outbox' },
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: { age: 30 * 24 * 3600 },
        },
      );
      return fresh ? 'queued' : 'duplicate';
    });
  }

  timeline(jobId: string): Promise<NotificationTimeline> {
    return this.#timeline.read(jobId);
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  async #withinDeadline<T>(operation: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.policy.enqueueTimeoutMs} ms`)),
        this.policy.enqueueTimeoutMs,
      );
    });
    const work = operation();
    work.catch(() => undefined); // settled later, if the deadline won: nothing waits for it
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      throw new RetryableError(
        'outbox_unavailable',
        'Redis did not take the notification; it was not queued.',
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
