/**
 * The Deployment backups the pre-checks of earlier rollbacks took (YAML, in their job memory). Read to
 * restore one after a failed rollout; never shown (a pod template may hold literal environment values).
 */
export interface DeploymentBackups {
  /** The backup YAML the pre-checks of `jobId` took, or undefined when it has none (or it expired). */
  backupOf(jobId: string): Promise<string | undefined>;
}
