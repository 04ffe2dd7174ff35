import type { RollbackPlan } from '../../rollback/plan.js';

/**
 * How a plan shows the last known good version: the target marked when it goes there, else its own line
 * (name, value) so the requester sees what `/rollback <service>` would have proposed.
 */
export function knownGoodFacts(plan: RollbackPlan): { target: string; extra?: [string, string] } {
  const good = plan.lastKnownGood;
  if (!good) return { target: plan.to };
  if (good.target) return { target: `${plan.to} (last known good)` };
  return { target: plan.to, extra: ['Last known good', `${good.label} (${good.id})`] };
}
