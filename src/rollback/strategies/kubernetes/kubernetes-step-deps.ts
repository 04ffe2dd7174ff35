import { z } from 'zod';
import type { KubernetesCluster } from '../../ports/kubernetes-cluster.js';
import type { CommandRunner } from '../../ports/command-runner.js';
import type { MonitoringChecks } from '../../ports/monitoring-checks.js';
import type { KubernetesTarget } from './kubernetes-target.js';
import type { V1PodSpec } from '@kubernetes/client-node';
import type { ImageRegistry } from '../../ports/image-registry.js';
import type { DigestRecording } from './plan-digests.js';
import type { DeploymentBackups } from '../../ports/deployment-backups.js';
import type { ConfigRecording } from './config-drift/plan-config-drift.js';
import type { SeenSelector } from './read-deployment-state.js';

/** What every Kubernetes step needs: the cluster, the validated target, where it is, tuning. */
export interface KubernetesStepDeps {
  cluster: KubernetesCluster;
  commandRunner: CommandRunner;
  target: KubernetesTarget;
  /** "context/namespace", for messages. */
  where: string;
  /** How often the monitor re-reads the Deployment besides watching it. */
  pollIntervalMs: number;
  /** Alertmanager and Prometheus, for `verify.alerts` and `verify.metrics` (absent: not checked). */
  monitoring?: MonitoringChecks;
  /** The service's registry client for a pod spec (absent or undefined: no registry configured). */
  registryFor?: (podSpec: V1PodSpec | undefined) => ImageRegistry | undefined;
  /** `kubernetes.registry.timeout`. */
  registryTimeoutSeconds: number;
  /** The pre-check backups of earlier jobs, for a restore (absent: a restore cannot run). */
  backups?: DeploymentBackups;
  /** Where the digests the rolled-back pods run with are recorded (absent: not recorded). */
  digests?: DigestRecording;
  /** Where the ConfigMaps and Secrets the rolled-back version runs with are recorded (absent: not recorded). */
  configs?: ConfigRecording;
  /** The Deployment's selector as this job's steps last read it (one object per job). */
  seen?: SeenSelector;
}

/** Memory keys (JobMemory) the steps write and read back on resume. */
export const MEMORY = {
  backup: 'backup/deployment.yaml',
  applied: 'rollback/applied',
} as const;

export interface AppliedRecord {
  at: string;
  mode: 'image' | 'undo' | 'restart' | 'restore';
  /** The Deployment's resourceVersion and generation the patch produced. */
  resourceVersion?: string;
  generation?: number;
}

export const appliedRecordSchema: z.ZodType<AppliedRecord> = z.object({
  at: z.string(),
  mode: z.enum(['image', 'undo', 'restart', 'restore']),
  resourceVersion: z.string().optional(),
  generation: z.number().optional(),
});
