import type { NotificationChannel, NotificationPayloads } from '../rollback/ports/notification-outbox.js';

export interface DeliveryContext {
  notificationId: string;
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when the worker shuts down: pass it to the HTTP client. */
  signal: AbortSignal | undefined;
}

/**
 * Sends one notification. Throws RetryableError to be retried (RetryLaterError to say when),
 * PermanentError to give up; anything else is retried too. Must be safe to call again after a crash
 * between sending and recording (the outbox records "sent" right after it returns).
 */
export type Deliverer<C extends NotificationChannel> = (
  payload: NotificationPayloads[C],
  context: DeliveryContext,
) => Promise<void>;

/** Who delivers each channel; a channel without one fails its notifications with `outbox_no_deliverer`. */
export type Deliverers = { [C in NotificationChannel]?: Deliverer<C> };
