import { createHash } from 'node:crypto';
import type { Notification } from '../rollback/ports/notification-outbox.js';

/** Redis keys of the outbox, under the installation's prefix (next to the other `rb:` keys). */
export class OutboxKeys {
  constructor(readonly prefix: string) {}

  /** Hash: notification id -> record JSON, plus `#seq`, the job's enqueue counter. */
  timeline(jobId: string): string {
    return `${this.prefix}:rb:outbox:timeline:${jobId}`;
  }

  /** List: notifications of one order key not yet sent or given up, oldest first. */
  order(orderKey: string): string {
    return `${this.prefix}:rb:outbox:order:${orderKey}`;
  }
}

/** BullMQ job ids may not contain ':' nor be all digits: a hash of the notification id. */
export function bullJobId(notificationId: string): string {
  return `ob-${createHash('sha256').update(notificationId).digest('hex').slice(0, 40)}`;
}

/**
 * Notifications that must arrive in the order they were enqueued share an order key: the notes of one
 * incident (milestone order), its status updates, the messages of one stakeholder channel, one service's
 * status page (so "resolved" never lands before "identified"). Responder requests need no order.
 */
export function orderKeyOf(notification: Notification): string | undefined {
  switch (notification.channel) {
    case 'pagerduty-note':
    case 'pagerduty-status':
      return `${notification.channel}:${notification.payload.incidentId}`;
    case 'slack-stakeholder':
      return `${notification.channel}:${notification.payload.channel}`;
    case 'status-page':
      return `${notification.channel}:${notification.payload.service}`;
    case 'pagerduty-responders':
      return undefined;
  }
}
