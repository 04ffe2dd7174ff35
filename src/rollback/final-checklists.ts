import type { ServiceConfig } from '../config/service-schema.js';
import { postMortemChecklist } from './checklists.js';
import type { RollbackPlan } from './plan.js';
import type { Checklist } from './progress-snapshot.js';
import { verificationChecklist } from './verification-checklist.js';

/**
 * The checklists posted when a rollback ends, fitted to its strategy and service: after a success what
 * to verify by hand, then (whatever the outcome) the runbook's after-rollback or post-mortem list.
 */
export function finalChecklists(
  service: ServiceConfig,
  plan: Pick<RollbackPlan, 'strategy' | 'to' | 'jobId'>,
  outcome: 'succeeded' | 'failed' | 'cancelled',
): Checklist[] {
  const after = postMortemChecklist(service, plan.strategy);
  return outcome === 'succeeded' ? [verificationChecklist(service, plan), after] : [after];
}
