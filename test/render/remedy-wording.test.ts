import { describe, expect, it } from 'vitest';
import { consoleHeadline } from '../../src/render/html/console-headline.js';
import { describeProgressText } from '../../src/render/plain-text/describe-progress-text.js';
import { describeProgress } from '../../src/render/slack/describe-progress.js';
import type { RemedyKind } from '../../src/rollback/plan.js';
import type { ProgressSnapshot } from '../../src/rollback/progress-snapshot.js';
import { initialSnapshot } from '../../src/rollback/snapshot-tracker.js';
import { testPlan } from '../support/test-plan.js';

/** The snapshot of a remedy job, as the worker starts it from the plan of a diagnosis button. */
function remedyJob(kind: RemedyKind): ProgressSnapshot {
  const plan = testPlan('kaizen-abc-defg', ['rollback', 'monitor', 'verify']);
  return initialSnapshot({
    ...plan,
    request: { ...plan.request, remedy: { kind, fromJob: 'kaizen-failed' } },
  });
}

const every = (snapshot: ProgressSnapshot): string[] => [
  describeProgress(snapshot)[0] ?? '',
  consoleHeadline(snapshot).line,
  describeProgressText(snapshot)[0] ?? '',
];

describe('a remedy job is told as what it does, never as a rollback, in every renderer', () => {
  it('queued and waiting for approval', () => {
    const queued = remedyJob('restore_backup');
    for (const line of every(queued)) {
      expect(line).toContain('Queued: waiting for a worker to restore kaizen from the pre-check backup.');
      expect(line).not.toMatch(/roll(ed)? back/i);
    }
    const approval = { ...remedyJob('rollout_restart'), state: 'awaiting_approval' as const };
    for (const line of every(approval))
      expect(line).toContain('Waiting for approval to restart kaizen (rollout restart).');
  });

  it('succeeded: "Restored ..." and "Restarted ...", with the time it took', () => {
    const ended = {
      startedAt: '2026-03-01T12:00:00.000Z',
      endedAt: '2026-03-01T12:00:04.000Z',
      state: 'succeeded' as const,
    };
    for (const line of every({ ...remedyJob('restore_backup'), ...ended })) {
      expect(line).toMatch(/Restored kaizen from the pre-check backup in 4 ?s\.$/);
      expect(line).not.toMatch(/Rolled back/);
    }
    for (const line of every({ ...remedyJob('rollout_restart'), ...ended }))
      expect(line).toMatch(/Restarted kaizen \(rollout restart\) in 4 ?s\.$/);
  });
});
