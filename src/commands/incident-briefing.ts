import type { ServiceConfig } from '../config/service-schema.js';
import type { IncidentTracker } from '../rollback/ports/incident-tracker.js';
import { describeError } from '../errors/rollback-error.js';
import type { Logger } from '../observability/logger.js';
import type { IncidentLink } from '../rollback/plan.js';
import type { AuditLog } from '../rollback/ports/audit-log.js';
import type { RollbackIndex } from '../rollback/ports/rollback-queue.js';
import type { RollbackService } from '../rollback/rollback-service.js';
import type { VersionEntry } from '../rollback/strategy.js';
import { lookUpResponders, type ServiceResponders } from './service-responders.js';

/** A version a rollback can go to: what to type, and how to show it. */
export interface BriefedVersion {
  /** As `/rollback <service> <id>` takes it (`v0.7.0`, `revision:3`). */
  id: string;
  label: string;
  /** Where the bot learned that it is good. */
  source: 'last successful rollback' | 'deployment history';
}

/** What the incident channel is told when an incident opens on a catalog service. */
export interface IncidentBriefing extends ServiceResponders {
  incident: IncidentLink & { urgency?: string; escalationPolicyId?: string };
  service: string;
  channel: string;
  /** The running version, if it could be read. */
  current?: string;
  /** Where "Roll back" goes: the last known good version; absent: `previous`. */
  lastKnownGood?: BriefedVersion;
  /** Why the versions could not be read (the cluster did not answer): shown instead. */
  versionsProblem?: string;
}

export interface BriefingDeps {
  rollbacks: RollbackService;
  audit: AuditLog;
  index: RollbackIndex;
  /** PagerDuty's REST API, for who is on call; absent: not shown. */
  tracker?: Pick<IncidentTracker, 'oncallsFor'> | undefined;
  log: Logger;
}

/**
 * The current version (from the strategy's version list) and the last known good one: the target of the
 * service's last successful rollback in the audit log when it named a version, else the release that ran
 * before the current one in the deployment history. Never throws: what cannot be read is said.
 */
export async function briefIncident(
  deps: BriefingDeps,
  service: ServiceConfig,
  incident: IncidentBriefing['incident'],
): Promise<IncidentBriefing> {
  const policy = service.pagerduty?.escalationPolicyId ?? incident.escalationPolicyId;
  const briefing: IncidentBriefing = {
    incident,
    service: service.name,
    channel: service.channel,
    ...(await lookUpResponders(deps, service, policy)),
  };
  let entries: VersionEntry[] = [];
  try {
    entries = (await deps.rollbacks.versions(service.name)).entries;
  } catch (error) {
    briefing.versionsProblem = describeError(error).message;
  }
  const currentIndex = entries.findIndex((entry) => entry.current);
  const current = entries[currentIndex];
  if (current) briefing.current = labelOf(current);
  const fromAudit = await lastRolledBackTo(deps, service.name).catch((error: unknown) => {
    deps.log.warn({ error: describeError(error) }, 'could not read the audit log for the last known good');
    return undefined;
  });
  if (fromAudit && fromAudit.id !== current?.id) briefing.lastKnownGood = fromAudit;
  else {
    const previous = currentIndex >= 0 ? entries[currentIndex + 1] : undefined;
    if (previous && !previous.current)
      briefing.lastKnownGood = { id: previous.id, label: labelOf(previous), source: 'deployment history' };
  }
  return briefing;
}

/** The version the service's last successful rollback went to, when it was asked for by name. */
async function lastRolledBackTo(deps: BriefingDeps, service: string): Promise<BriefedVersion | undefined> {
  const entries = await deps.audit.list({ service, limit: 50 });
  for (const entry of entries) {
    if (entry.type !== 'succeeded' || entry.jobId === undefined) continue;
    const plan = await deps.index.plan(entry.jobId);
    const version = plan?.request.version;
    if (plan && version !== undefined)
      return { id: version, label: plan.to, source: 'last successful rollback' };
  }
  return undefined;
}

/** "revision 3: kaizen:v0.7.0" from "revision 3: kaizen:v0.7.0, ReplicaSet …, created …". */
function labelOf(entry: VersionEntry): string {
  const head = entry.description.split(', ')[0] ?? entry.id;
  return head.length > 0 ? head : entry.id;
}
