import type { RollbackPlan } from '../../../src/rollback/plan.js';
import type { ProgressSnapshot } from '../../../src/rollback/progress-snapshot.js';

/** Text an attacker could get into a report: a reason, a Slack display name, pod logs, cluster messages. */
export const HOSTILE = {
  reason: '<script>alert(1)</script>',
  name: '"><img src=x onerror=alert(2)>',
  summary: "</td><svg onload=alert(3)>'",
  detail: '<iframe src="javascript:alert(4)"></iframe>',
  action: '<a href="javascript:alert(5)">x</a>',
};

/** A failed rollback with timings, details, an error, checklists and hostile text in every user field. */
export function failedRollback(jobId: string): { snapshot: ProgressSnapshot; plan: RollbackPlan } {
  const requester = { id: 'U0ALICE', name: HOSTILE.name, source: 'slack' as const };
  const plan: RollbackPlan = {
    jobId,
    request: { service: 'kaizen', version: 'v0.7.0', dryRun: false, reason: HOSTILE.reason, requester },
    service: 'kaizen',
    environment: 'production',
    strategy: 'kubernetes',
    from: 'v0.8.0 (revision 3)',
    to: 'v0.7.0',
    target: { image: 'kaizen:v0.7.0' },
    steps: [
      { id: 'identify', title: 'Identify current and target versions' },
      { id: 'rollback', title: 'Perform rollback (image)' },
      { id: 'monitor', title: 'Monitor rollout' },
    ],
    actions: [
      {
        target: 'cluster prod/default',
        description: `kubectl set image deployment/kaizen kaizen=kaizen:v0.7.0 ${HOSTILE.action}`,
      },
    ],
    createdAt: '2026-03-01T14:00:00.000Z',
  };
  const snapshot: ProgressSnapshot = {
    version: 9,
    jobId,
    service: 'kaizen',
    environment: 'production',
    strategy: 'kubernetes',
    requester,
    reason: HOSTILE.reason,
    dryRun: false,
    from: plan.from,
    to: plan.to,
    state: 'failed',
    steps: [
      {
        id: 'identify',
        title: 'Identify current and target versions',
        state: 'done',
        startedAt: '2026-03-01T14:00:01.000Z',
        endedAt: '2026-03-01T14:00:03.000Z',
        summary: HOSTILE.summary,
      },
      {
        id: 'rollback',
        title: 'Perform rollback (image)',
        state: 'done',
        startedAt: '2026-03-01T14:00:03.000Z',
        endedAt: '2026-03-01T14:00:04.000Z',
        summary: 'image set to kaizen:v0.7.0',
      },
      {
        id: 'monitor',
        title: 'Monitor rollout',
        state: 'failed',
        startedAt: '2026-03-01T14:00:04.000Z',
        endedAt: '2026-03-01T14:01:49.000Z',
        error: {
          code: 'progress_deadline_exceeded',
          message: 'deployment "kaizen" exceeded its progress deadline',
          hint: 'Check the image <tag> exists & pods can pull it: `kubectl describe pod -l app=kaizen`.',
        },
      },
    ],
    details: [
      {
        stepId: 'identify',
        at: '2026-03-01T14:00:02.000Z',
        text: 'Current: deployment/kaizen at revision 3',
      },
      {
        stepId: 'monitor',
        at: '2026-03-01T14:01:00.000Z',
        text: `Back-off pulling image: ${HOSTILE.detail}`,
      },
    ],
    checklists: [
      {
        id: 'post-mortem',
        title: 'Post-mortem checklist',
        items: [
          { id: 'schedule', text: 'Schedule post-mortem with `incident-42`' },
          { id: 'lessons', text: 'Document lessons learned', done: true },
        ],
      },
    ],
    outcome: { summary: 'Rollback failed; the Deployment is left as the failed step found it.' },
    createdAt: plan.createdAt,
    startedAt: '2026-03-01T14:00:01.000Z',
    endedAt: '2026-03-01T14:01:49.000Z',
  };
  return { snapshot, plan };
}
