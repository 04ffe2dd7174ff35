import type { ServiceConfig } from '../config/service-schema.js';
import type { PlannedAction, RollbackRequest } from './plan.js';
import type { RollbackStep } from './step.js';

/** A version the service can go back to, as `/rollback versions <svc>` lists it. */
export interface VersionEntry {
  /** What the user types to pick it ("v0.7.0", "revision:3"). */
  id: string;
  /** One line description ("revision 3: kaizen:v0.7.0, 2 days ago"). */
  description: string;
  current?: boolean;
  /** The bare version it stands for (`v0.7.0`, a Helm app version) when `id` is not it (`revision:3`). */
  version?: string;
  /** It ran here before (a ReplicaSet of the Deployment, a Helm release that deployed). */
  ran?: boolean;
  /** The last version that ran without a rollback away from it: what `/rollback <svc>` proposes. */
  lastKnownGood?: boolean;
  /** The digest (`sha256:…`) its image ran with here, as the bot recorded it from the pods' imageID. */
  digest?: string;
}

export interface ResolvedPlan {
  from: string;
  to: string;
  /** JSON-serialisable data the steps need; stored in the job so a resumed job uses the same target. */
  target: Record<string, unknown>;
  actions: PlannedAction[];
  /**
   * Where the target is known from: `history` (it ran here before: ReplicaSets, Helm releases, installed
   * packages, backups, git checkouts), `tags` (the service's configured list) or `registry` (it exists in
   * the image registry but never ran here). The planner refuses `registry` without `--allow-unlisted`.
   */
  knownFrom?: TargetSource;
  /** The bare versions (tags) on both sides, for the direction check: a newer target needs `--forward`. */
  versions?: { from?: string; to?: string };
  /** What the requester must know before it runs, shown with the plan (see RollbackPlan.warnings). */
  warnings?: string[];
}

export type TargetSource = 'history' | 'tags' | 'registry';

export interface StrategyCallOptions {
  signal?: AbortSignal;
}

/**
 * A way of rolling a service back (Kubernetes, Helm, apt, yum, files, compose, git).
 * `resolve` reads the current state and turns the request into a concrete target, or throws an
 * {@link InputError} that tells the user what is valid. `steps` builds the runbook steps from a resolved plan.
 */
export interface Strategy {
  readonly name: string;
  /** Whether this strategy can roll back this service (its YAML has the section it needs). */
  supports(service: ServiceConfig): boolean;
  listVersions(service: ServiceConfig, options?: StrategyCallOptions): Promise<VersionEntry[]>;
  resolve(
    service: ServiceConfig,
    request: RollbackRequest,
    options?: StrategyCallOptions,
  ): Promise<ResolvedPlan>;
  steps(service: ServiceConfig, target: Record<string, unknown>): RollbackStep[];
}
