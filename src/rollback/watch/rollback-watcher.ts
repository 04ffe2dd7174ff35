import type { RollbackPlan } from '../plan.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { KubernetesClusterFactory } from '../ports/kubernetes-cluster.js';
import type { NotificationOutbox } from '../ports/notification-outbox.js';
import type { ProgressStore } from '../ports/progress-store.js';
import type { RollbackIndex } from '../ports/rollback-queue.js';
import type { ProgressSnapshot } from '../progress-snapshot.js';
import { parseKubernetesTarget, type KubernetesTarget } from '../strategies/kubernetes/kubernetes-target.js';
import { readDeploymentState, type DeploymentState } from '../strategies/kubernetes/read-deployment-state.js';
import { describeTarget, isAtTarget } from '../strategies/kubernetes/target-state.js';
import { whoChanged } from './who-changed.js';

export interface RollbackWatcherOptions {
  index: Pick<RollbackIndex, 'plan' | 'forService'>;
  progress: ProgressStore;
  clusterFactory: KubernetesClusterFactory;
  audit: Pick<AuditLog, 'append'>;
  /** The durable outbox, when PagerDuty is configured: a revert is noted in the rollback's incident. */
  incidentNotes?: Pick<NotificationOutbox, 'enqueue'>;
  now?: () => Date;
}

/** holding: still at the rolled-back version, look again; reverted: said once, stop; over: stop. */
export type WatchResult = 'holding' | 'reverted' | 'over';

const WATCHER = { id: 'rollback-bot', name: 'rollback-bot', source: 'http' } as const;

/**
 * One look at a rolled-back Deployment during the watch window (ROLLBACK_WATCH_MINUTES): does it still
 * run the rolled-back template? If its template changed away (a CD sync, an image updater, a person),
 * says so at once, once: a detail in the rollback's thread and a REVERTED line in its status (the
 * snapshot is published again), a note in its incident, and an audit entry naming who changed it.
 */
export class RollbackWatcher {
  constructor(private readonly options: RollbackWatcherOptions) {}

  async check(jobId: string, until: Date): Promise<WatchResult> {
    const { index, progress } = this.options;
    const [plan, snapshot] = await Promise.all([index.plan(jobId), progress.get(jobId)]);
    if (!plan || !snapshot || snapshot.state !== 'succeeded' || snapshot.released) return 'over';
    if (snapshot.steps.some((step) => step.id === 'watch')) return 'over';
    if (plan.strategy !== 'kubernetes' || (await this.supersededBy(plan))) return 'over';
    const target = parseKubernetesTarget(plan.target);
    const cluster = this.options.clusterFactory(target.context);
    const state = await readDeploymentState(cluster, target);
    const now = this.now();
    if (!safeIsAtTarget(target, state)) {
      await this.reportRevert(plan, snapshot, target, state, now);
      return 'reverted';
    }
    if (now.getTime() >= until.getTime()) {
      await this.options.audit.append({
        type: 'watch_ended',
        actor: WATCHER,
        service: plan.service,
        jobId,
        detail: `deployment/${target.deployment} still runs ${describeTarget(target)} at the end of the watch.`,
      });
      return 'over';
    }
    return 'holding';
  }

  private async reportRevert(
    plan: RollbackPlan,
    snapshot: ProgressSnapshot,
    target: KubernetesTarget,
    state: DeploymentState,
    now: Date,
  ): Promise<void> {
    const who = whoChanged(state.deployment);
    const after = snapshot.endedAt ? minutesBetween(snapshot.endedAt, now) : undefined;
    const text =
      `⚠️ deployment/${target.deployment} no longer runs the rolled-back version${after ? ` (${after} after the rollback)` : ''}: ` +
      `its image is now ${state.image ?? 'unknown'}, not ${describeTarget(target)}. Changed by ${who}. ` +
      `The bad version may be back: hold the CD system and revert the change in Git, then roll back again.`;
    const at = now.toISOString();
    const summary = `reverted: now ${state.image ?? 'unknown'}`;
    await this.options.progress.publish({
      ...snapshot,
      version: snapshot.version + 1,
      steps: [
        ...snapshot.steps,
        {
          id: 'watch',
          title: 'Watch after the rollback',
          state: 'failed',
          startedAt: snapshot.endedAt ?? at,
          endedAt: at,
          summary,
          error: { code: 'rollback_reverted', message: text },
        },
      ],
      details: [...snapshot.details, { stepId: 'watch', at, text }],
      warnings: [
        ...(snapshot.warnings ?? []),
        `REVERTED after the rollback: now ${state.image ?? 'unknown'} (${who})`,
      ],
    });
    await this.options.audit.append({
      type: 'rollback_reverted',
      actor: WATCHER,
      service: plan.service,
      jobId: plan.jobId,
      detail: `now ${state.image ?? 'unknown'}; changed by ${who}`,
    });
    const incident = plan.request.incident;
    if (incident && this.options.incidentNotes)
      await this.options.incidentNotes.enqueue({
        id: `${plan.jobId}:note:reverted`,
        channel: 'pagerduty-note',
        jobId: plan.jobId,
        label: 'PagerDuty note: rollback reverted',
        payload: { incidentId: incident.id, text },
      });
  }

  /** A newer rollback of the service (not a dry run) was asked for: its changes are not a revert. */
  private async supersededBy(plan: RollbackPlan): Promise<boolean> {
    const newest = await this.options.index.forService(plan.service, 20);
    for (const jobId of newest) {
      if (jobId === plan.jobId) return false;
      const other = await this.options.index.plan(jobId);
      if (other && !other.request.dryRun) return true;
    }
    return newest.length >= 20;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

/** A target ReplicaSet deleted since also means the Deployment no longer runs it. */
function safeIsAtTarget(target: KubernetesTarget, state: DeploymentState): boolean {
  try {
    return isAtTarget(target, state);
  } catch {
    return false;
  }
}

function minutesBetween(from: string, to: Date): string {
  const seconds = Math.max(0, Math.round((to.getTime() - Date.parse(from)) / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}
