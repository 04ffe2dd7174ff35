import type { ServiceConfig } from '../config/service-schema.js';
import type { IncidentLink } from '../rollback/plan.js';
import type { Notification } from '../rollback/ports/notification-outbox.js';
import type { ProgressSnapshot } from '../rollback/progress-snapshot.js';
import { remedyDone } from '../rollback/remedy-wording.js';

/** What can be delivered in this installation (a channel without its client is never enqueued). */
export interface NotificationReach {
  pagerDuty: boolean;
  slack: boolean;
}

export interface NotificationContext {
  snapshot: ProgressSnapshot;
  service: Pick<ServiceConfig, 'name' | 'channel' | 'notify'>;
  incident?: IncidentLink | undefined;
  reach: NotificationReach;
  /** The rollback's report page, linked from the messages. */
  reportUrl?: string | undefined;
  /** The post-mortem reminder is scheduled this long after the end. */
  postmortemReminderMs: number;
}

type Milestone = 'requested' | 'approved' | 'started' | 'ended' | 'verified';

/**
 * Every notification a rollback has earned so far, in milestone order (requested, approved, started,
 * rolled back or failed, verified): incident notes, status updates at start and end, stakeholder
 * channels, the status page, and the scheduled post-mortem reminder. Ids are stable, so computing this
 * again for a later snapshot and enqueueing everything never sends one twice (the outbox dedupes), and a
 * skipped intermediate snapshot loses nothing.
 */
export function rollbackNotifications(context: NotificationContext): Notification[] {
  const { snapshot } = context;
  if (snapshot.dryRun) return [];
  return reachedMilestones(snapshot).flatMap((milestone) => forMilestone(context, milestone));
}

function reachedMilestones(snapshot: ProgressSnapshot): Milestone[] {
  const reached: Milestone[] = ['requested'];
  if (snapshot.approval?.state === 'approved') reached.push('approved');
  if (snapshot.startedAt !== undefined) reached.push('started');
  if (['succeeded', 'failed', 'cancelled'].includes(snapshot.state)) reached.push('ended');
  const verify = snapshot.steps.find((step) => step.id === 'verify' || step.id.startsWith('verify-'));
  if (snapshot.state === 'succeeded' && verify?.state === 'done') reached.push('verified');
  return reached;
}

function describe(snapshot: ProgressSnapshot, milestone: Milestone): string {
  const what = `${snapshot.service} (${snapshot.environment}) from ${snapshot.from} to ${snapshot.to}`;
  switch (milestone) {
    case 'requested':
      return `Rollback of ${what} requested by ${snapshot.requester.name} (job ${snapshot.jobId})${snapshot.reason ? `. Reason: ${snapshot.reason}` : ''}.`;
    case 'approved':
      return `Rollback ${snapshot.jobId} approved by ${(snapshot.approval?.approvals ?? []).map((a) => a.name).join(', ') || 'its approvers'}.`;
    case 'started':
      return `Rollback of ${what} started (job ${snapshot.jobId}).`;
    case 'ended':
      return endLine(snapshot);
    case 'verified': {
      const verify = snapshot.steps.find((step) => step.id === 'verify' || step.id.startsWith('verify-'));
      return `Verified after the rollback of ${snapshot.service} to ${snapshot.to}${verify?.summary ? `: ${verify.summary}` : ''}.`;
    }
  }
}

function endLine(snapshot: ProgressSnapshot): string {
  const summary = snapshot.outcome?.summary;
  switch (snapshot.state) {
    case 'succeeded':
      return snapshot.remedy
        ? `${remedyDone(snapshot.remedy, snapshot.service)}: now ${snapshot.to}.`
        : `Rolled back ${snapshot.service} to ${snapshot.to}.${summary ? ` ${summary}.` : ''}`;
    case 'failed':
      return `Rollback of ${snapshot.service} to ${snapshot.to} FAILED${snapshot.outcome?.error ? `: ${snapshot.outcome.error.message}` : ''}.`;
    default:
      return `Rollback ${snapshot.jobId} of ${snapshot.service} was cancelled${summary ? `: ${summary}` : ''}.`;
  }
}

function forMilestone(context: NotificationContext, milestone: Milestone): Notification[] {
  const { snapshot, incident, reach, service } = context;
  const jobId = snapshot.jobId;
  const text = describe(snapshot, milestone) + (context.reportUrl ? ` Report: ${context.reportUrl}` : '');
  const out: Notification[] = [];
  if (incident && reach.pagerDuty)
    out.push({
      id: `${jobId}:note:${milestone}`,
      channel: 'pagerduty-note',
      jobId,
      label: `PagerDuty note: ${milestone === 'ended' ? endLabel(snapshot) : milestone}`,
      payload: { incidentId: incident.id, text },
    });
  const edge = milestone === 'started' || milestone === 'ended';
  if (!edge || (milestone === 'ended' && snapshot.startedAt === undefined)) return out;
  const phase = milestone === 'started' ? 'start' : 'end';
  if (incident && reach.pagerDuty)
    out.push({
      id: `${jobId}:status:${phase}`,
      channel: 'pagerduty-status',
      jobId,
      label: `PagerDuty status update: ${phase === 'start' ? 'rollback started' : endLabel(snapshot)}`,
      payload: {
        incidentId: incident.id,
        message: text,
        subject: `${snapshot.service}: ${phase === 'start' ? 'rolling back' : endLabel(snapshot)}`,
      },
    });
  if (reach.slack)
    for (const channel of service.notify?.stakeholders ?? [])
      out.push({
        id: `${jobId}:stakeholder:${channel}:${phase}`,
        channel: 'slack-stakeholder',
        jobId,
        label: `Slack ${channel}: ${phase === 'start' ? 'rollback started' : endLabel(snapshot)}`,
        payload: { channel, text: incident ? `${text} Incident: ${incident.url}` : text },
      });
  if (service.notify?.statusPage)
    out.push({
      id: `${jobId}:status-page:${phase}`,
      channel: 'status-page',
      jobId,
      label: `Status page: ${phase === 'start' ? 'identified' : statusPageState(snapshot)}`,
      payload: {
        service: service.name,
        status: phase === 'start' ? 'identified' : statusPageState(snapshot),
        message: text,
        ...(incident
          ? {
              incident: {
                id: incident.id,
                url: incident.url,
                ...(incident.title ? { title: incident.title } : {}),
              },
            }
          : {}),
      },
    });
  if (phase === 'end' && reach.slack) out.push(postmortemReminder(context));
  return out;
}

function endLabel(snapshot: ProgressSnapshot): string {
  return snapshot.state === 'succeeded'
    ? 'rolled back'
    : snapshot.state === 'failed'
      ? 'failed'
      : 'cancelled';
}

function statusPageState(snapshot: ProgressSnapshot): 'monitoring' | 'identified' {
  return snapshot.state === 'succeeded' ? 'monitoring' : 'identified';
}

function postmortemReminder(context: NotificationContext): Notification {
  const { snapshot, service, incident } = context;
  const ended = Date.parse(snapshot.endedAt ?? snapshot.createdAt);
  const postAt = Math.round((ended + context.postmortemReminderMs) / 1000);
  return {
    id: `${snapshot.jobId}:postmortem-reminder`,
    channel: 'slack-stakeholder',
    jobId: snapshot.jobId,
    label: `Post-mortem reminder in ${service.channel} (scheduled)`,
    payload: {
      channel: service.channel,
      text:
        `Reminder: the post-mortem of rollback ${snapshot.jobId} (${snapshot.service} to ${snapshot.to}, ${endLabel(snapshot)})` +
        `${incident ? ` for incident ${incident.url}` : ''} is due. The checklist is in the status message's thread` +
        `${context.reportUrl ? `; the report: ${context.reportUrl}` : ''}.`,
      postAt,
    },
  };
}
