import { InputError } from '../errors/rollback-error.js';
import type { RemedyKind } from './plan.js';
import type { ProgressSnapshot } from './progress-snapshot.js';
import type { ProgressStore } from './ports/progress-store.js';

/** How the runbook's next moves are named on buttons and in messages. */
export const REMEDY_LABELS: Record<RemedyKind, string> = {
  restore_backup: 'Restore from the pre-check backup',
  rollout_restart: 'rollout restart',
};

/** Where the remedies are offered: a Kubernetes rollout that failed or stalled (its diagnosis message). */
export function offersRemedies(snapshot: ProgressSnapshot): boolean {
  if (snapshot.strategy !== 'kubernetes' || snapshot.dryRun) return false;
  const monitor = snapshot.steps.find((step) => step.id === 'monitor');
  const code = monitor?.error?.code;
  return code === 'rollout_failed' || code === 'rollout_timeout';
}

/** Refuses a remedy the job's diagnosis did not offer (another service, a rollout that did not fail). */
export async function checkRemedyOffered(
  progress: ProgressStore,
  service: string,
  remedy: { kind: RemedyKind; fromJob: string },
): Promise<void> {
  const snapshot = await progress.get(remedy.fromJob);
  if (snapshot && snapshot.service === service && offersRemedies(snapshot)) return;
  throw new InputError(
    'remedy_not_offered',
    `"${REMEDY_LABELS[remedy.kind]}" is offered only after a failed or stalled Kubernetes rollout of ${service}; ${remedy.fromJob} is not one.`,
  );
}
