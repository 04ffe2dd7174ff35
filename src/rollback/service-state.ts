import type { ServiceConfig } from '../config/service-schema.js';
import type { GitopsKeeper } from './gitops/gitops-keeper.js';
import type { GitopsHold } from './ports/gitops-holds.js';
import type { ProgressStore } from './ports/progress-store.js';
import type { RolledBackMark, RolledBackMarks } from './ports/rolled-back-marks.js';
import type { ServiceLocks } from './ports/rollback-queue.js';
import type { ProgressSnapshot } from './progress-snapshot.js';

/** Where a service stands, for `/rollback status <service>` and `GET /api/services/<service>`. */
export interface ServiceState {
  service: ServiceConfig;
  rolledBack: RolledBackMark | undefined;
  /** The rollback holding the service's lock (awaiting approval, queued or running). */
  active: ProgressSnapshot | undefined;
  /** The CD system the bot holds ("GitOps paused") until release. */
  gitopsHold?: GitopsHold;
}

export interface ServiceStateSources {
  locks: ServiceLocks;
  progress: ProgressStore;
  marks?: RolledBackMarks | undefined;
  gitops?: GitopsKeeper | undefined;
}

/** Reads a service's rolled-back mark, the rollback holding its lock and its held CD system. */
export async function readServiceState(
  sources: ServiceStateSources,
  service: ServiceConfig,
): Promise<ServiceState> {
  const [rolledBack, holder] = await Promise.all([
    sources.marks?.get(service.name),
    sources.locks.holder(service.name),
  ]);
  const active = holder === undefined ? undefined : await sources.progress.get(holder);
  const gitopsHold = await sources.gitops?.get(service.name);
  return { service, rolledBack, active, ...(gitopsHold ? { gitopsHold } : {}) };
}
