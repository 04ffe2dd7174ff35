import type { ServiceCatalog } from '../../rollback/service-catalog.js';
import type { Logger } from '../../observability/logger.js';
import { rollbackNotifications, type NotificationReach } from '../../outbox/rollback-notifications.js';
import type { IncidentLink } from '../../rollback/plan.js';
import type { AuditLog } from '../../rollback/ports/audit-log.js';
import type { IncidentTracker } from '../../rollback/ports/incident-tracker.js';
import type { NotificationOutbox } from '../../rollback/ports/notification-outbox.js';
import type { ProgressStore } from '../../rollback/ports/progress-store.js';
import type { RollbackIndex } from '../../rollback/ports/rollback-queue.js';
import type { ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import type { SnapshotSurface } from '../../rollback/ports/snapshot-surface.js';
import { nextResponders } from './next-responders.js';

export interface RollbackNotifierOptions {
  progress: Pick<ProgressStore, 'get'>;
  index: Pick<RollbackIndex, 'plan'>;
  catalog: ServiceCatalog;
  outbox: NotificationOutbox;
  reach: NotificationReach;
  reportUrl?: (jobId: string) => string | undefined;
  postmortemReminderMs: number;
  /** A rollback running longer than this is stalled: the next responders are added. */
  stallMs: number;
  /** Schedules a look at a running rollback when it would count as stalled. */
  stallTimer?: { schedule(jobId: string, at: Date): Promise<void> };
  tracker?: Pick<IncidentTracker, 'escalationPolicy'> | undefined;
  audit: Pick<AuditLog, 'append'>;
  log: Logger;
  now?: () => number;
}

/**
 * Tells the outside about a rollback, as a surface of the render queue: for each published snapshot it
 * enqueues, in the durable outbox, the notifications its milestones have earned and that are not queued
 * yet (incident notes, status updates, stakeholders, status page, post-mortem reminder). It only writes
 * to Redis, so PagerDuty or Slack being down never slows the rollback. A rollback that fails, or runs
 * past ROLLBACK_STALL_MINUTES, adds the next responders to its incident once, and says so in the audit log.
 */
export class RollbackNotifier implements SnapshotSurface {
  readonly name = 'notifications';

  constructor(private readonly options: RollbackNotifierOptions) {}

  async sync(jobId: string): Promise<void> {
    const { progress, index, catalog, outbox } = this.options;
    const snapshot = await progress.get(jobId);
    if (!snapshot || snapshot.dryRun) return;
    const service = catalog.get(snapshot.service);
    if (!service) return;
    const incident = (await index.plan(jobId))?.request.incident;
    const wanted = rollbackNotifications({
      snapshot,
      service,
      incident,
      reach: this.options.reach,
      reportUrl: this.options.reportUrl?.(jobId),
      postmortemReminderMs: this.options.postmortemReminderMs,
    });
    const known = new Set((await outbox.timeline(jobId)).entries.map((entry) => entry.id));
    for (const notification of wanted) if (!known.has(notification.id)) await outbox.enqueue(notification);
    await this.escalateIfNeeded(snapshot, incident, service.pagerduty?.escalationPolicyId, known);
  }

  private async escalateIfNeeded(
    snapshot: ProgressSnapshot,
    incident: IncidentLink | undefined,
    policyId: string | undefined,
    known: Set<string>,
  ): Promise<void> {
    const { tracker, stallMs } = this.options;
    if (!incident || !policyId || !tracker || !this.options.reach.pagerDuty) return;
    const id = `${snapshot.jobId}:responders`;
    if (known.has(id)) return;
    const started = snapshot.startedAt === undefined ? undefined : Date.parse(snapshot.startedAt);
    const now = this.options.now?.() ?? Date.now();
    const stalled = snapshot.state === 'running' && started !== undefined && now - started >= stallMs;
    if (snapshot.state === 'running' && started !== undefined && !stalled)
      await this.options.stallTimer?.schedule(snapshot.jobId, new Date(started + stallMs));
    if (snapshot.state !== 'failed' && !stalled) return;
    const why = stalled
      ? `still running after ${Math.round(stallMs / 60_000)} minutes`
      : `failed${snapshot.outcome?.error ? `: ${snapshot.outcome.error.message}` : ''}`;
    const message = `The rollback of ${snapshot.service} to ${snapshot.to} (job ${snapshot.jobId}) ${why}. Please join.`;
    const targets = await nextResponders(tracker, policyId, this.options.log);
    const added = await this.options.outbox.enqueue({
      id,
      channel: 'pagerduty-responders',
      jobId: snapshot.jobId,
      label: `PagerDuty: next responders added (${stalled ? 'stalled' : 'failed'})`,
      payload: { incidentId: incident.id, message, ...targets },
    });
    if (added === 'queued')
      await this.options.audit.append({
        type: 'escalated',
        actor: { id: 'worker', name: 'worker', source: 'http' },
        service: snapshot.service,
        jobId: snapshot.jobId,
        detail: `${why}; asked ${targets.userIds ? `users ${targets.userIds.join(', ')}` : `escalation policy ${policyId}`} to join incident ${incident.id}`,
      });
  }
}
