import type { RollbackState, StepState } from '../../rollback/progress-snapshot.js';

/** Plain symbols (no emoji width surprises in terminals): one per step state. */
export const STEP_SYMBOLS: Record<StepState, string> = {
  pending: '·',
  running: '▶',
  done: '✔',
  failed: '✖',
  skipped: '↷',
  cancelled: '■',
};

export const ROLLBACK_SYMBOLS: Record<RollbackState, string> = {
  awaiting_approval: '✋',
  queued: '…',
  running: '▶',
  succeeded: '✔',
  failed: '✖',
  cancelled: '■',
};
