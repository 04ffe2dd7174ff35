import type { RemedyKind } from './plan.js';

/**
 * How a remedy job (a button of a failed rollout's diagnosis) is told: it is not a rollback, so its
 * messages never say "Rolled back". "Restored kaizen from the pre-check backup", "Restarted kaizen
 * (rollout restart)".
 */
export function remedyDone(kind: RemedyKind, service: string): string {
  return kind === 'restore_backup'
    ? `Restored ${service} from the pre-check backup`
    : `Restarted ${service} (rollout restart)`;
}

/** "Restoring kaizen from the pre-check backup", "Restarting kaizen (rollout restart)". */
export function remedyDoing(kind: RemedyKind, service: string): string {
  return kind === 'restore_backup'
    ? `Restoring ${service} from the pre-check backup`
    : `Restarting ${service} (rollout restart)`;
}
