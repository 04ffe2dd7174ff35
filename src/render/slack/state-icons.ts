import type { RollbackState, StepState } from '../../rollback/progress-snapshot.js';

export const STEP_ICONS: Record<StepState, string> = {
  pending: '⏳',
  running: '🔄',
  done: '✅',
  failed: '❌',
  skipped: '⏭️',
  cancelled: '⛔',
};

export const ROLLBACK_ICONS: Record<RollbackState, string> = {
  awaiting_approval: '✋',
  queued: '🕒',
  running: '🔄',
  succeeded: '✅',
  failed: '❌',
  cancelled: '⛔',
};
