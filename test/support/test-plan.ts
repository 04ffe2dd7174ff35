import type { ServiceConfig } from '../../src/config/service-schema.js';
import type { RollbackPlan } from '../../src/rollback/plan.js';

/** A kaizen service as the runner sees it, for tests that run steps directly. */
export const TEST_SERVICE = {
  name: 'kaizen',
  environment: 'production',
  channel: 'C1',
  strategy: 'kubernetes',
} as ServiceConfig;

/** A resolved kaizen plan (v0.8.0 → v0.7.0, requested by alice) with steps titled "Step <id>". */
export function testPlan(jobId: string, stepIds: string[] = []): RollbackPlan {
  return {
    jobId,
    request: { service: 'kaizen', dryRun: false, requester: { id: 'U1', name: 'alice', source: 'slack' } },
    service: 'kaizen',
    environment: 'production',
    strategy: 'kubernetes',
    from: 'v0.8.0',
    to: 'v0.7.0',
    target: {},
    steps: stepIds.map((id) => ({ id, title: `Step ${id}` })),
    actions: [],
    createdAt: new Date().toISOString(),
  };
}
