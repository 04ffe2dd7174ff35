import { newJobId } from '../../src/rollback/new-job-id.js';
import type { ProgressSnapshot } from '../../src/rollback/progress-snapshot.js';
import { initialSnapshot } from '../../src/rollback/snapshot-tracker.js';
import type { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import type { RedisRollbackIndex } from '../../src/stores/redis-rollback-index.js';
import { testPlan } from './test-plan.js';

export const SIMULATED_STEPS = ['identify', 'precheck', 'rollback', 'rollout', 'verify'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A worker running one rollback: a snapshot every 40 ms (a step starts, says something, ends), then the end. */
export async function simulateRollback(
  progress: RedisProgressStore,
  index: RedisRollbackIndex,
  channel: string,
): Promise<ProgressSnapshot> {
  const plan = testPlan(newJobId('kaizen'), SIMULATED_STEPS);
  plan.request.channel = channel;
  await index.record(plan);
  let s = initialSnapshot(plan);
  await progress.publish(s);
  const publish = async (change: (d: ProgressSnapshot) => void) => {
    const draft = structuredClone(s);
    change(draft);
    draft.version += 1;
    await progress.publish(draft);
    s = draft;
    await sleep(40);
  };
  await publish((d) => void (d.state = 'running'));
  for (const [i, id] of SIMULATED_STEPS.entries()) {
    await publish((d) => void (d.steps[i]!.state = 'running'));
    for (const line of ['pod 1/2 ready', 'pod 2/2 ready'])
      await publish(
        (d) => void d.details.push({ stepId: id, at: new Date().toISOString(), text: `${id}: ${line}` }),
      );
    await publish((d) => void (d.steps[i]!.state = 'done'));
  }
  await publish((d) => {
    d.state = 'succeeded';
    d.endedAt = new Date().toISOString();
    d.checklists = [
      { id: 'verify', title: 'Verify by hand', items: [{ id: 'rate', text: 'Error rate normal' }] },
    ];
  });
  return s;
}
