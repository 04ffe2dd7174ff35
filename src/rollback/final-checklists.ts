import { postMortemChecklist, verificationChecklist } from './checklists.js';
import type { Checklist } from './progress-snapshot.js';

/** The checklists posted when a rollback ends: what to verify by hand, and the post-mortem. */
export function finalChecklists(
  strategy: string,
  outcome: 'succeeded' | 'failed' | 'cancelled',
): Checklist[] {
  const kind = strategy === 'kubernetes' || strategy === 'helm' ? 'kubernetes' : 'host';
  if (outcome === 'succeeded') return [verificationChecklist(kind), postMortemChecklist(kind)];
  return [postMortemChecklist(kind)];
}
