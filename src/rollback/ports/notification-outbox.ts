/**
 * Notifications the rollback flow sends to the outside (PagerDuty notes and status updates, responder
 * requests, stakeholder channels, the status page), through a durable outbox: enqueueing costs a Redis
 * write, delivery happens later with retries, and an outage delays a notification without losing it or
 * slowing the rollback. Implemented in `src/outbox/`.
 */
export interface NotificationPayloads {
  'pagerduty-note': { incidentId: string; text: string };
  'pagerduty-status': { incidentId: string; message: string; subject?: string };
  'pagerduty-responders': {
    incidentId: string;
    message: string;
    userIds?: string[];
    escalationPolicyIds?: string[];
  };
  /** A Slack message in a stakeholder channel (`notify.stakeholders`). */
  'slack-stakeholder': {
    channel: string;
    text: string;
    /** Unix seconds: schedule the message for then (chat.scheduleMessage) instead of posting it now. */
    postAt?: number;
  };
  /** The service's status page (`notify.statusPage`); URL and component come from the catalog at delivery. */
  'status-page': {
    service: string;
    status: 'investigating' | 'identified' | 'monitoring' | 'resolved';
    message: string;
    incident?: { id: string; title?: string; url?: string };
  };
}

export type NotificationChannel = keyof NotificationPayloads;

export type Notification = {
  [C in NotificationChannel]: {
    /**
     * Dedupe key: enqueueing the same id again (a redelivered webhook, a resumed worker) never sends twice.
     * Make it from what the notification is about: `${jobId}:note:started`.
     */
    id: string;
    channel: C;
    /** The rollback it belongs to: its timeline is read by job id. */
    jobId: string;
    /** A short line for the report and post-mortem ("PagerDuty note: rollback started"). */
    label: string;
    payload: NotificationPayloads[C];
  };
}[NotificationChannel];

/**
 * queued: not tried yet; waiting: held behind an earlier notification of the same incident (or channel);
 * retrying: an attempt failed and another is scheduled; sent; failed: given up (permanent error or out of
 * attempts).
 */
export type NotificationState = 'queued' | 'waiting' | 'retrying' | 'sent' | 'failed';

export interface NotificationRecord {
  id: string;
  channel: NotificationChannel;
  jobId: string;
  label: string;
  state: NotificationState;
  /** Order of enqueueing within the job, 1 first. */
  sequence: number;
  queuedAt: string;
  sentAt?: string;
  failedAt?: string;
  attempts: number;
  lastError?: { code: string; message: string };
  nextAttemptAt?: string;
  /** The label of the earlier notification it waits for. */
  waitingFor?: string;
}

export interface NotificationTimeline {
  /** In enqueue order. */
  entries: NotificationRecord[];
  /** Records that could not be read (another version's format, damaged): counted, never guessed at. */
  unreadable: number;
}

export interface NotificationOutbox {
  /**
   * Persists the notification and schedules its delivery. Resolves 'duplicate' when this id was enqueued
   * before. Throws a RetryableError (`outbox_unavailable`) when Redis does not answer quickly: log it, the
   * rollback goes on.
   */
  enqueue(notification: Notification): Promise<'queued' | 'duplicate'>;
  timeline(jobId: string): Promise<NotificationTimeline>;
}
