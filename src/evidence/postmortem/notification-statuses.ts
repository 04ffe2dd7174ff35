import type { NotificationRecord, NotificationTimeline } from '../../rollback/ports/notification-outbox.js';
import type { NotificationStatus, TimelineEntry } from './postmortem-input.js';

const BOT = 'rollback-bot';

function lastError(record: NotificationRecord): string {
  return record.lastError ? `: ${record.lastError.code}: ${record.lastError.message}` : '';
}

function attempts(n: number): string {
  return `${n} attempt${n === 1 ? '' : 's'}`;
}

/** One outbox record as a row of the draft's Notifications table: sent, given up or still waiting, and when. */
function statusOf(record: NotificationRecord): NotificationStatus {
  const queued = `queued ${record.queuedAt}`;
  switch (record.state) {
    case 'sent':
      return {
        target: record.label,
        status: 'sent',
        ...(record.sentAt ? { at: record.sentAt } : {}),
        detail: `${queued}, ${attempts(record.attempts)}`,
      };
    case 'failed':
      return {
        target: record.label,
        status: 'failed',
        ...(record.failedAt ? { at: record.failedAt } : {}),
        detail: `given up after ${attempts(record.attempts)}${lastError(record)}`,
      };
    case 'retrying':
      return {
        target: record.label,
        status: 'pending',
        ...(record.nextAttemptAt ? { at: record.nextAttemptAt } : {}),
        detail: `still waiting: retrying (next try at the time shown) after ${attempts(record.attempts)}${lastError(record)}; ${queued}`,
      };
    case 'waiting':
      return {
        target: record.label,
        status: 'pending',
        detail: `still waiting for an earlier one${record.waitingFor ? ` (${record.waitingFor})` : ''}; ${queued}`,
      };
    case 'queued':
      return { target: record.label, status: 'pending', detail: `still waiting to be sent; ${queued}` };
  }
}

/**
 * The rollback's notifications from the outbox (PagerDuty notes and status updates, responders,
 * stakeholder channels, the status page, the post-mortem reminder), for the post-mortem draft: a row
 * each in enqueue order, and the sent or given-up ones as lines of the timeline.
 */
export function notificationStatuses(timeline: NotificationTimeline | undefined): {
  rows: NotificationStatus[];
  timeline: TimelineEntry[];
} {
  if (!timeline) return { rows: [], timeline: [] };
  const rows = timeline.entries.map(statusOf);
  if (timeline.unreadable > 0)
    rows.push({
      target: `${timeline.unreadable} more`,
      status: 'skipped',
      detail: 'could not be read (another version or damaged)',
    });
  const lines = timeline.entries.flatMap((record): TimelineEntry[] => {
    if (record.state === 'sent' && record.sentAt)
      return [{ at: record.sentAt, what: `Notified: ${record.label}`, who: BOT }];
    if (record.state === 'failed' && record.failedAt)
      return [{ at: record.failedAt, what: `Notification given up: ${record.label}`, who: BOT }];
    return [];
  });
  return { rows, timeline: lines };
}
