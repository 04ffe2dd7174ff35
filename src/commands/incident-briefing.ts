import type { ServiceConfig } from '../config/service-schema.js';
import type { IncidentTracker } from '../rollback/ports/incident-tracker.js';
import { describeError } from '../errors/rollback-error.js';
import type { Logger } from '../observability/logger.js';
import type { IncidentLink } from '../rollback/plan.js';
import type { AuditLog } from '../rollback/ports/audit-log.js';
import type { RollbackIndex } from '../rollback/ports/rollback-queue.js';
import type { RollbackService } from '../rollback/rollback-service.js';
import { entryLabel } from '../rollback/versions/last-known-good.js';
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
  /**
   * Lists a service's versions; default `rollbacks.versions`. The inbound handler shares one listing per
   * service for a few seconds (`recentReads`), so a storm of incidents on one service reads it once.
   */
  versions?: (service: string) => ReturnType<RollbackService['versions']>;
  /** PagerDuty's REST API, for who is on call; absent: not shown. */
  tracker?: Pick<IncidentTracker, 'oncallsFor'> | undefined;
  log: Logger;
}

/**
 * The current version (from the strategy's version list) and the last known good one (the last version
 * that ran without a rollback away from it: see findLastKnownGood), the same one `versions` marks and
 * `/rollback <service>` proposes. Never throws: what cannot be read is said.
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
  try {
    const listing = await (deps.versions ?? ((name) => deps.rollbacks.versions(name)))(service.name);
    const current = listing.entries.find((entry) => entry.current);
    if (current) briefing.current = entryLabel(current);
    const good = listing.lastKnownGood;
    if (good)
      briefing.lastKnownGood = {
        id: good.entry.id,
        label: entryLabel(good.entry),
        source: good.from === 'rollback' ? 'last successful rollback' : 'deployment history',
      };
  } catch (error) {
    briefing.versionsProblem = describeError(error).message;
  }
  return briefing;
}
