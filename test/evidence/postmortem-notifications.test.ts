import { describe, expect, it } from 'vitest';
import { notificationStatuses } from '../../src/evidence/postmortem/notification-statuses.js';
import { renderPostmortem } from '../../src/evidence/postmortem/render-postmortem.js';
import type { NotificationRecord } from '../../src/rollback/ports/notification-outbox.js';

const base = { channel: 'pagerduty-note', jobId: 'kaizen-abc-0001', attempts: 1 } as const;
const records: NotificationRecord[] = [
  {
    ...base,
    id: 'n1',
    label: 'PagerDuty note: requested',
    state: 'sent',
    sequence: 1,
    queuedAt: '2026-12-03T10:00:00Z',
    sentAt: '2026-12-03T10:00:01Z',
  },
  {
    ...base,
    id: 'n2',
    channel: 'status-page',
    label: 'Status page: identified',
    state: 'failed',
    sequence: 2,
    attempts: 12,
    queuedAt: '2026-12-03T10:00:02Z',
    failedAt: '2026-12-03T11:00:00Z',
    lastError: { code: 'status_page_refused', message: '404 from the status page' },
  },
  {
    ...base,
    id: 'n3',
    label: 'PagerDuty note: started',
    state: 'retrying',
    sequence: 3,
    attempts: 3,
    queuedAt: '2026-12-03T10:00:03Z',
    nextAttemptAt: '2026-12-03T10:05:00Z',
    lastError: { code: 'pagerduty_unavailable', message: 'PagerDuty answered 500' },
  },
  {
    ...base,
    id: 'n4',
    label: 'PagerDuty note: verified',
    state: 'waiting',
    sequence: 4,
    attempts: 0,
    queuedAt: '2026-12-03T10:00:04Z',
    waitingFor: 'PagerDuty note: started',
  },
];

function draft(): string {
  const notified = notificationStatuses({ entries: records, unreadable: 1 });
  return renderPostmortem({
    service: 'kaizen',
    versions: { from: 'v0.8.0', to: 'v0.7.0' },
    timeline: [
      { at: '2026-12-03T09:59:59Z', what: 'Rollback requested', who: 'alice' },
      ...notified.timeline,
    ],
    bundles: [],
    diffs: [],
    checklists: [],
    notifications: notified.rows,
    generatedAt: new Date('2026-12-03T12:00:00Z'),
  });
}

describe('the post-mortem draft shows the notification timeline from the outbox', () => {
  it('says which were sent or given up and when, which still wait and why, and counts the unreadable', () => {
    const text = draft();
    const section = text.split('## Notifications')[1]?.split('## Root cause')[0] ?? '';
    expect(section).toContain('1 sent, 2 still waiting, 1 given up.');
    expect(section).toContain(
      '| PagerDuty note: requested | sent | 2026-12-03T10:00:01Z | queued 2026-12-03T10:00:00Z, 1 attempt |',
    );
    expect(section).toContain(
      '| Status page: identified | failed | 2026-12-03T11:00:00Z | given up after 12 attempts: status_page_refused: 404 from the status page |',
    );
    expect(section).toMatch(
      /\| PagerDuty note: started \| waiting \| 2026-12-03T10:05:00Z \| still waiting: retrying .*after 3 attempts: pagerduty_unavailable: PagerDuty answered 500/,
    );
    expect(section).toMatch(
      /\| PagerDuty note: verified \| waiting \| {3}\| still waiting for an earlier one \(PagerDuty note: started\)/,
    );
    expect(section).toContain('| 1 more | skipped |');
  });

  it('puts what was sent and what was given up into the timeline, in time order', () => {
    const timeline = draft().split('## Timeline')[1]?.split('## Versions')[0] ?? '';
    const lines = timeline.split('\n').filter((l) => l.startsWith('| 2026'));
    expect(lines).toEqual([
      '| 2026-12-03T09:59:59Z | Rollback requested | alice |',
      '| 2026-12-03T10:00:01Z | Notified: PagerDuty note: requested | rollback-bot |',
      '| 2026-12-03T11:00:00Z | Notification given up: Status page: identified | rollback-bot |',
    ]);
  });
});
