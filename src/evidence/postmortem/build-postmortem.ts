import type { AuditEntry, AuditLog } from '../../rollback/ports/audit-log.js';
import type { NotificationTimeline } from '../../rollback/ports/notification-outbox.js';
import type { ProgressStore } from '../../rollback/ports/progress-store.js';
import type { RollbackIndex } from '../../rollback/ports/rollback-queue.js';
import type { IncidentLink } from '../../rollback/plan.js';
import type { ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import { readBundle } from '../bundle/read-bundle.js';
import { compareWithBaseline } from '../compare-with-baseline.js';
import type { EvidenceStore } from '../evidence-store.js';
import { parseBundleId } from '../bundle-id.js';
import { notificationStatuses } from './notification-statuses.js';
import type { PostmortemInput, TimelineEntry } from './postmortem-input.js';
import { renderPostmortem } from './render-postmortem.js';

export interface PostmortemSources {
  progress: ProgressStore;
  audit?: AuditLog;
  /** The rollback index's plans: the incident the rollback answers gives the timeline its "detected". */
  plans?: Pick<RollbackIndex, 'plan'>;
  /** Absent: bundles are listed from the snapshot, without their comparison. */
  store?: EvidenceStore;
  /** Where a reader downloads the n-th bundle of the rollback (the report page). */
  bundleUrl?: (jobId: string, index: number) => string | undefined;
  /** The notification outbox's timeline; absent or unreadable: the draft says none were recorded. */
  notifications?: { timeline(jobId: string): Promise<NotificationTimeline> };
  now?: () => Date;
}

const WHAT: Partial<Record<AuditEntry['type'], string>> = {
  requested: 'Rollback requested',
  denied: 'Request denied',
  approved: 'Approved',
  approval_expired: 'Approval expired',
  enqueued: 'Queued for a worker',
  cancel_requested: 'Cancel requested',
  cancelled: 'Cancelled',
  step_started: 'Step started',
  step_ended: 'Step ended',
  succeeded: 'Rollback succeeded (verified)',
  failed: 'Rollback failed',
  released: 'Rolled-back mark released',
  break_glass: 'Break-glass: approval skipped',
  guard_refused: 'A guard refused the rollback',
  snapshot_taken: 'Evidence snapshot taken',
  checklist_ticked: 'Checklist item ticked',
  checklist_unticked: 'Checklist item unticked',
};

/**
 * The post-mortem draft of one rollback, in Markdown: the timeline from its audit log, versions, its evidence
 * bundles and how the state after the rollback compares with the baseline, the checklists as they stand
 * (who ticked what, and the evidence for what the bot ticked), and empty root-cause and follow-up sections.
 * Undefined when there is no such rollback. Redacted throughout (renderPostmortem).
 */
export async function buildPostmortem(
  sources: PostmortemSources,
  jobId: string,
): Promise<string | undefined> {
  const snapshot = await sources.progress.get(jobId);
  if (!snapshot) return undefined;
  const audit = sources.audit ? await sources.audit.list({ jobId, limit: 1000 }) : [];
  // Like the report page: the notifications are an extra, left out when they cannot be read.
  const incident = (await sources.plans?.plan(jobId).catch(() => undefined))?.request.incident;
  const notified = notificationStatuses(await sources.notifications?.timeline(jobId).catch(() => undefined));
  const input: PostmortemInput = {
    service: snapshot.service,
    environment: snapshot.environment,
    jobId,
    outcome: snapshot.state,
    ...(snapshot.reason ? { reason: snapshot.reason } : {}),
    requestedBy: snapshot.requester.name,
    versions: { from: snapshot.from, to: snapshot.to },
    timeline: [detectedOf(incident), ...timelineOf(snapshot, audit), ...notified.timeline],
    bundles: (snapshot.evidence ?? []).map((b, i) => {
      const url = sources.bundleUrl?.(jobId, i);
      return {
        label: b.label,
        takenAt: parseBundleId(b.id).takenAt,
        id: b.id,
        target: b.target,
        failed: b.failed,
        ...(url ? { url } : {}),
      };
    }),
    diffs: await diffsOf(sources.store, snapshot),
    checklists: snapshot.checklists.map((list) => ({
      title: list.title,
      items: list.items.map((item) => ({
        text: item.text,
        checked: item.done === true,
        ...(item.done && item.by ? { by: item.by.name } : {}),
        ...(item.done && item.at ? { at: item.at } : {}),
        ...(item.evidence ? { evidence: item.evidence } : {}),
      })),
    })),
    notifications: notified.rows,
    generatedAt: sources.now?.() ?? new Date(),
  };
  return renderPostmortem(input);
}

/**
 * When the problem was first seen: the linked PagerDuty incident's opening. Without one, an undated line
 * (first in the timeline) asks the humans to fill it in.
 */
function detectedOf(incident: IncidentLink | undefined): TimelineEntry {
  if (!incident)
    return { what: 'Detected: not recorded (no incident linked); fill in when the problem was first seen' };
  const name = incident.number === undefined ? incident.id : `#${incident.number}`;
  const what = `Detected: PagerDuty incident ${name} triggered`;
  if (!incident.createdAt)
    return { what: `${what} (its time not recorded; fill in when the problem was first seen)` };
  return { at: incident.createdAt, what, who: 'PagerDuty' };
}

function timelineOf(snapshot: ProgressSnapshot, audit: readonly AuditEntry[]): TimelineEntry[] {
  const fromAudit = audit
    .filter((entry) => entry.at !== undefined)
    .map((entry) => ({
      at: entry.at as string,
      what: [WHAT[entry.type] ?? entry.type, entry.detail].filter(Boolean).join(': '),
      who: entry.actor.name,
    }));
  // The request is audited before it has a job id: the snapshot says when and by whom.
  const requested = {
    at: snapshot.createdAt,
    what: `Rollback requested${snapshot.reason ? `: ${snapshot.reason}` : ''}`,
    who: snapshot.requester.name,
  };
  if (fromAudit.length > 0) return [requested, ...fromAudit];
  // No audit log: the snapshot's own times.
  return [
    requested,
    ...snapshot.steps
      .filter((s) => s.endedAt)
      .map((s) => ({ at: s.endedAt as string, what: `${s.title}: ${s.state}` })),
  ];
}

async function diffsOf(store: EvidenceStore | undefined, snapshot: ProgressSnapshot) {
  const after = (snapshot.evidence ?? []).filter((b) => b.label === 'post-rollback');
  if (!store || after.length === 0) return [];
  const pairs = [];
  for (const ref of after) {
    const data = await store.get(ref.id);
    if (data) pairs.push({ bundle: await readBundle(data), stored: parseBundleId(ref.id, data.length) });
  }
  const { diffs } = await compareWithBaseline(store, snapshot, pairs);
  return diffs.map((d) => d.summary);
}
