import { InputError } from '../errors/rollback-error.js';
import { siteOfService, type ServiceConfig } from '../config/service-schema.js';
import { admitTarget } from './admit-target.js';
import { prerequisitesChecklist } from './checklists.js';
import { newJobId } from './new-job-id.js';
import type { RollbackPlan, RollbackRequest } from './plan.js';
import type { Runbooks } from './runbooks.js';
import type { ServiceCatalog } from './service-catalog.js';
import type { ResolvedPlan, Strategy } from './strategy.js';
import { entryLabel, versionKey, type LastKnownGood } from './versions/last-known-good.js';
import type { ServiceVersions } from './versions/service-versions.js';

/**
 * Turns a request into a concrete plan, without side effects: the service from the catalog, its strategy,
 * the target the strategy resolves now ("previous" becomes a revision), the steps (guards first) and the
 * exact changes.
 */
export class RollbackPlanner {
  constructor(
    private readonly options: {
      catalog: ServiceCatalog;
      runbooks: Runbooks;
      now: () => Date;
      /** The last known good version: what a request without a version goes to. Absent: "previous". */
      versions?: ServiceVersions;
    },
  ) {}

  strategyFor(service: ServiceConfig, requested?: string): Strategy {
    return this.options.runbooks.choose(service, requested);
  }

  /** Resolves a request into a plan without side effects. */
  async plan(request: RollbackRequest, signal?: AbortSignal): Promise<RollbackPlan> {
    const service = this.options.catalog.require(request.service);
    const strategy = this.strategyFor(service, request.strategy);
    const options = signal ? { signal } : {};
    if (request.recover && strategy.name !== 'helm')
      throw new InputError(
        'recover_not_supported',
        `--recover is the recovery of a Helm release stuck in pending-*; ${service.name} rolls back with ${strategy.name}.`,
        { hint: 'Leave --recover out to roll back.' },
      );
    const open =
      request.version === undefined &&
      request.toRevision === undefined &&
      request.remedy === undefined &&
      !request.recover;
    // A named target is resolved while the last known good is looked up; no target waits for it.
    const lookup = this.lastKnownGood(service, strategy, signal);
    const proposed = open ? await lookup : undefined;
    const asked = proposed ? { ...request, version: proposed.entry.id } : request;
    const [resolved, known] = await Promise.all([strategy.resolve(service, asked, options), lookup]);
    const admission = admitTarget(service.name, resolved, asked);
    const warnings = [...admission.marks, ...knownGoodWarnings(proposed), ...(resolved.warnings ?? [])];
    const jobId = request.jobId ?? newJobId(service.name, this.options.now());
    return {
      jobId,
      request,
      service: service.name,
      environment: service.environment,
      site: siteOfService(service),
      strategy: strategy.name,
      from: resolved.from,
      to: resolved.to,
      target: resolved.target,
      steps: this.options.runbooks.outline(service, strategy, resolved.target),
      actions: resolved.actions,
      prerequisites: prerequisitesChecklist(service, { strategy: strategy.name, to: resolved.to }),
      ...(resolved.knownFrom ? { knownFrom: resolved.knownFrom } : {}),
      ...(admission.exceptions.length > 0 ? { exceptions: admission.exceptions } : {}),
      ...(resolved.versions ? { versions: resolved.versions } : {}),
      ...(known ? { lastKnownGood: knownGoodMark(known, resolved, asked.version) } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
      createdAt: this.options.now().toISOString(),
    };
  }

  /** The last known good version, or undefined when it cannot be told (a listing that fails never blocks). */
  private async lastKnownGood(
    service: ServiceConfig,
    strategy: Strategy,
    signal: AbortSignal | undefined,
  ): Promise<LastKnownGood | undefined> {
    const versions = this.options.versions;
    if (!versions) return undefined;
    return versions.lastKnownGood(service, strategy, signal).catch(() => undefined);
  }
}

function knownGoodMark(
  known: LastKnownGood,
  resolved: ResolvedPlan,
  version: string | undefined,
): NonNullable<RollbackPlan['lastKnownGood']> {
  const key = versionKey(known.entry);
  const target =
    version === known.entry.id || (resolved.versions?.to !== undefined && resolved.versions.to === key);
  return { id: known.entry.id, label: entryLabel(known.entry), target };
}

/** Said when the proposal skips versions "previous" would pick: the bot rolled back away from them. */
function knownGoodWarnings(proposed: LastKnownGood | undefined): string[] {
  return (proposed?.skipped ?? []).map(
    ({ entry, move }) =>
      `LAST KNOWN GOOD: not ${entryLabel(entry)}: rollback ${move.jobId} went away from it${move.at ? ` (${move.at.slice(0, 16).replace('T', ' ')} UTC)` : ''}`,
  );
}
