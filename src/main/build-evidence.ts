import { type EvidenceStore, type RetentionPolicy } from '../evidence/evidence-store.js';
import { RollbackEvidenceRecorder } from '../evidence/rollback-evidence-recorder.js';
import { createEvidenceStore, type EvidenceStoreConfig } from '../evidence/stores/create-evidence-store.js';
import type { Logger } from '../observability/logger.js';
import { EvidenceSnapshots } from '../rollback/evidence-snapshots.js';
import type { AuditLog } from '../rollback/ports/audit-log.js';
import type { CommandRunnerFactory } from '../rollback/ports/command-runner.js';
import type { KubernetesClusterFactory } from '../rollback/ports/kubernetes-cluster.js';
import type { ServiceCatalog } from '../rollback/service-catalog.js';

/** Evidence as every role uses it: the store (report page, Slack uploads) and the runbook's recorder. */
export interface Evidence {
  store: EvidenceStore;
  retention: RetentionPolicy;
  recorder: RollbackEvidenceRecorder;
}

export interface EvidenceDepsOfCore {
  clusterFactory: KubernetesClusterFactory;
  runnerFactory: CommandRunnerFactory;
  catalog: ServiceCatalog;
  audit: AuditLog;
  log: Logger;
}

/**
 * The store of EVIDENCE_DIR or EVIDENCE_S3_*, a recorder reading the targets through the strategies' ports,
 * and on-demand snapshots (which refuse with a clear message when the configuration has no evidence).
 */
export function buildEvidence(
  config: EvidenceStoreConfig | undefined,
  deps: EvidenceDepsOfCore,
): { evidence: Evidence | undefined; snapshots: EvidenceSnapshots } {
  const log = deps.log.child({ component: 'evidence' });
  const evidence = config === undefined ? undefined : evidenceOf(config, deps, log);
  const snapshots = new EvidenceSnapshots({
    catalog: deps.catalog,
    recorder: evidence?.recorder,
    audit: deps.audit,
    log,
  });
  return { evidence, snapshots };
}

function evidenceOf(config: EvidenceStoreConfig, deps: EvidenceDepsOfCore, log: Logger): Evidence {
  const store = createEvidenceStore(config);
  const recorder = new RollbackEvidenceRecorder({
    store,
    deps: { clusters: deps.clusterFactory, runners: deps.runnerFactory },
    retention: config.retention,
    log,
  });
  return { store, retention: config.retention, recorder };
}
