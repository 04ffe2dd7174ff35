import type { NotificationTimeline } from '../../rollback/ports/notification-outbox.js';
import { timeTag } from './report-sections.js';
import { html, type SafeHtml } from './safe-html.js';

const STATE_TEXT = {
  queued: 'waiting to be sent',
  waiting: 'waiting for an earlier one',
  retrying: 'still waiting: retrying',
  sent: 'sent',
  failed: 'given up',
} as const;

/**
 * The rollback's notifications (PagerDuty notes and status updates, responders, stakeholder channels,
 * the status page, the post-mortem reminder) in the order they were queued: when each was sent, and
 * which are still waiting and why.
 */
export function notificationsSection(timeline: NotificationTimeline | undefined): SafeHtml {
  if (!timeline || (timeline.entries.length === 0 && timeline.unreadable === 0))
    return html`<h2 id="notifications">Notifications</h2>
      <p class="muted">No notifications for this rollback.</p>`;
  const waiting = timeline.entries.filter((e) => e.state !== 'sent' && e.state !== 'failed').length;
  const rows = timeline.entries.map(
    (entry) =>
      html`<tr>
        <td>${entry.label}</td>
        <td>${STATE_TEXT[entry.state]}${entry.waitingFor ? html` <span class="muted">(after ${entry.waitingFor})</span>` : ''}</td>
        <td>${timeTag(entry.queuedAt)}</td>
        <td>${entry.sentAt ? timeTag(entry.sentAt) : entry.nextAttemptAt ? html`next try ${timeTag(entry.nextAttemptAt)}` : ''}</td>
        <td>${entry.attempts}${entry.lastError ? html` <span class="muted">${entry.lastError.code}: ${entry.lastError.message}</span>` : ''}</td>
      </tr>`,
  );
  return html`<h2 id="notifications">Notifications</h2>
    <p>${timeline.entries.length - waiting} sent or given up, ${waiting} still waiting.${timeline.unreadable > 0 ? ` ${timeline.unreadable} could not be read.` : ''}</p>
    <table>
      <thead>
        <tr>
          <th>What</th>
          <th>State</th>
          <th>Queued</th>
          <th>Sent</th>
          <th>Attempts</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;
}
