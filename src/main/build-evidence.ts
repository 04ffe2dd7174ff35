import { type EvidenceStore, type RetentionPolicy } from '../evidence/evidence-store.js';
import { RollbackEvidenceRecorder } from '../evidence/rollback-evidence-recorder.js';
import { createEvidenceStore, type EvidenceStoreConfig } from '../evidence/stores/create-evidence-store.js';
import type { Logger } from '../observability/logger.js';
import type { CommandRunnerFactory } from '../rollback/ports/command-runner.js';
import type { KubernetesClusterFactory } from '../rollback/ports/kubernetes-cluster.js';

/** Evidence as every role uses it: the store (report page, snapshots) and the runbook's recorder. */
export interface Evidence {
  store: EvidenceStore;
  retention: RetentionPolicy;
  recorder: RollbackEvidenceRecorder;
  /** The same ports the strategies use, for on-demand snapshots. */
  targets: { clusters: KubernetesClusterFactory; runners: CommandRunnerFactory };
}

/** The store of EVIDENCE_DIR or EVIDENCE_S3_*, and a recorder reading the targets through the strategies' ports. */
export function buildEvidence(
  config: EvidenceStoreConfig | undefined,
  deps: { clusterFactory: KubernetesClusterFactory; runners: CommandRunnerFactory; log: Logger },
): Evidence | undefined {
  if (config === undefined) return undefined;
  const store = createEvidenceStore(config);
  const targets = { clusters: deps.clusterFactory, runners: deps.runners };
  const recorder = new RollbackEvidenceRecorder({
    store,
    deps: targets,
    retention: config.retention,
    log: deps.log.child({ component: 'evidence' }),
  });
  return { store, retention: config.retention, recorder, targets };
}
