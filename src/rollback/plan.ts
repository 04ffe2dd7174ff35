import type { Checklist, Requester } from './progress-snapshot.js';

/** What the user asked for, after parsing and validation. */
export interface RollbackRequest {
  service: string;
  /**
   * The job id, given when the request is received so that every audit entry about it (`requested` and a
   * `denied` included) carries it; the plan keeps it. Absent: the planner makes one.
   */
  jobId?: string;
  /** A version (tag), or undefined for "previous". */
  version?: string;
  toRevision?: number;
  strategy?: string;
  dryRun: boolean;
  reason?: string;
  requester: Requester;
  /** Where the request came from (channel id), for permissions and where to report. */
  channel?: string;
  /** The channel's name without `#`, when the surface knows it (for `permissions.channels`). */
  channelName?: string;
  /** `--break-glass` from the CLI: skips approvals; needs a reason and is audited. */
  breakGlass?: boolean;
  /**
   * `--force`: roll back although a CD system manages the workload and the service's config does not let
   * the bot hold it (the plan warns that the rollback will be reverted).
   */
  force?: boolean;
  /**
   * `--recover`: a Helm release stuck in pending-install/upgrade/rollback is recovered the documented way
   * (`helm rollback` to its last good revision), with the approvals and audit of any rollback.
   */
  recover?: boolean;
  /** `--forward`: the target may be newer than the current version. Marked in the plan and audited. */
  forward?: boolean;
  /** `--allow-unlisted`: the target may be a version that never ran here but exists in the registry. */
  allowUnlisted?: boolean;
  /**
   * A remedy the diagnosis of a failed rollout offered (its buttons): `kubectl rollout restart`, or the
   * Deployment put back as the failed rollback's pre-checks backed it up. No version: this is the target.
   */
  remedy?: { kind: RemedyKind; fromJob: string };
  /** The incident this rollback answers (a PagerDuty incident): its milestones are logged there. */
  incident?: IncidentLink;
}

/** The runbook's next moves after a failed or stalled rollout. */
export type RemedyKind = 'restore_backup' | 'rollout_restart';

/** An incident in the incident-management system, as a rollback refers to it. */
export interface IncidentLink {
  id: string;
  /** The incident's page. */
  url: string;
  title?: string;
  number?: number;
  /** When the incident was opened (ISO): the post-mortem's "detected". Absent when the source did not say. */
  createdAt?: string;
}

/** Why a plan goes somewhere a rollback normally does not: newer than now, or never deployed here. */
export type PlanException = 'forward' | 'unlisted';

/** One concrete change the plan will make, shown to the user before it runs ("exact API changes"). */
export interface PlannedAction {
  /** Where it runs: "cluster ctx/ns", a host name, "local". */
  target: string;
  /** What will run, as a human-readable command or API call. */
  description: string;
}

/**
 * The plan is resolved when the command is accepted: "previous" has become a concrete revision, so a
 * retried or resumed job never undoes twice. It is stored in the job data and never recomputed.
 */
export interface RollbackPlan {
  jobId: string;
  request: RollbackRequest;
  service: string;
  environment: string;
  /**
   * The site whose workers run this plan (the service's `site:` when it was accepted). Absent in plans
   * accepted before sites existed: the default site.
   */
  site?: string;
  strategy: string;
  /** Human-readable current version ("v0.8.0 (revision 5)"). */
  from: string;
  /** Human-readable target version ("v0.7.0 (revision 3)"). */
  to: string;
  /** Strategy-specific, JSON-serialisable resolved target (revision number, image, template...). */
  target: Record<string, unknown>;
  steps: { id: string; title: string }[];
  actions: PlannedAction[];
  /**
   * What the requester must know before it runs (who else manages the workload, a tag whose image
   * changed, FORWARD/UNLISTED marks, config drift): shown with the plan under "Watch out" and in the status
   * message. Absent in plans made before warnings existed.
   */
  warnings?: string[];
  /** The runbook's prerequisites, shown with the plan as a short checklist. */
  prerequisites?: Checklist;
  /** Where the target is known from (history, tags, registry), when the strategy said. */
  knownFrom?: 'history' | 'tags' | 'registry';
  /** Flags the requester had to give for this target: marked in the plan and status, audited. */
  exceptions?: PlanException[];
  /** The bare versions on both sides (`v0.8.0` → `v0.7.0`), when the strategy said: how history matches. */
  versions?: { from?: string; to?: string };
  /** The last version that ran without a rollback away from it, when known; `target`: the plan goes there. */
  lastKnownGood?: { id: string; label: string; target: boolean };
  createdAt: string;
}
