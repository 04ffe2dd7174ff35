import { z } from 'zod';
import type { KubernetesCluster } from '../../ports/kubernetes-cluster.js';
import type { CommandRunner } from '../../ports/command-runner.js';
import type { MonitoringChecks } from '../../ports/monitoring-checks.js';
import type { KubernetesTarget } from './kubernetes-target.js';

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
}

/** Memory keys (JobMemory) the steps write and read back on resume. */
export const MEMORY = {
  backup: 'backup/deployment.yaml',
  applied: 'rollback/applied',
} as const;

export interface AppliedRecord {
  at: string;
  mode: 'image' | 'undo';
  /** The Deployment's resourceVersion and generation the patch produced. */
  resourceVersion?: string;
  generation?: number;
}

export const appliedRecordSchema: z.ZodType<AppliedRecord> = z.object({
  at: z.string(),
  mode: z.enum(['image', 'undo']),
  resourceVersion: z.string().optional(),
  generation: z.number().optional(),
});
