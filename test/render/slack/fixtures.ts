import type { RollbackPlan } from '../../../src/rollback/plan.js';
import type { ProgressSnapshot, StepSnapshot } from '../../../src/rollback/progress-snapshot.js';

const STEP_TITLES: [string, string][] = [
  ['pre-checks', 'Pre-rollback checks'],
  ['backup', 'Back up the Deployment'],
  ['undo', 'Roll back to revision 3'],
  ['rollout', 'Wait for the rollout'],
  ['health', 'Check /health'],
  ['smoke', 'Run smoke tests'],
];

function steps(states: StepSnapshot['state'][]): StepSnapshot[] {
  return STEP_TITLES.map(([id, title], index) => {
    const state = states[index] ?? 'pending';
    const started = `2026-11-03T10:42:${String(10 + index * 7).padStart(2, '0')}.000Z`;
    const ended = `2026-11-03T10:42:${String(10 + index * 7 + 6).padStart(2, '0')}.000Z`;
    const step: StepSnapshot = { id, title, state };
    if (state !== 'pending' && state !== 'skipped') step.startedAt = started;
    if (state === 'done' || state === 'failed' || state === 'cancelled') step.endedAt = ended;
    return step;
  });
}

/** A kaizen production rollback, v0.8.0 → v0.7.0, as the worker publishes it in each state. */
export function snapshot(
  state: ProgressSnapshot['state'],
  overrides: Partial<ProgressSnapshot> = {},
): ProgressSnapshot {
  const base: ProgressSnapshot = {
    version: 7,
    jobId: 'rb-kaizen-20261103-104200',
    service: 'kaizen',
    environment: 'production',
    strategy: 'kubernetes',
    requester: { id: 'U0ALICE', name: 'alice', source: 'slack' },
    reason: 'Error rate at 12% since the v0.8.0 deploy',
    dryRun: false,
    from: 'v0.8.0',
    to: 'v0.7.0',
    state,
    steps: steps([]),
    details: [],
    checklists: [],
    createdAt: '2026-11-03T10:41:58.000Z',
  };
  switch (state) {
    case 'running':
      Object.assign(base, {
        startedAt: '2026-11-03T10:42:10.000Z',
        steps: steps(['done', 'done', 'done', 'running']),
      });
      base.steps[0]!.summary = '3/3 pods ready, /health 200';
      base.steps[3]!.summary = '1/3 pods updated';
      break;
    case 'succeeded':
      Object.assign(base, {
        startedAt: '2026-11-03T10:42:10.000Z',
        endedAt: '2026-11-03T10:42:52.000Z',
        steps: steps(['done', 'done', 'done', 'done', 'done', 'skipped']),
        outcome: { summary: '3/3 pods ready on kaizen:v0.7.0' },
      });
      base.steps[3]!.summary = '3/3 pods ready';
      base.steps[5]!.summary = 'no smoke test configured';
      break;
    case 'failed': {
      const error = {
        code: 'progress_deadline_exceeded',
        message: 'Deployment kaizen exceeded its progress deadline (ProgressDeadlineExceeded)',
        hint: 'Check events with `kubectl describe deployment kaizen`; ConfigMaps/Secrets may not fit v0.7.0.',
      };
      Object.assign(base, {
        startedAt: '2026-11-03T10:42:10.000Z',
        endedAt: '2026-11-03T10:47:40.000Z',
        steps: steps(['done', 'done', 'done', 'failed']),
        outcome: { summary: 'kaizen is left on revision 6 (v0.7.0 template), 1/3 pods ready', error },
      });
      base.steps[3]!.error = error;
      base.steps[3]!.summary = '1/3 pods ready';
      base.steps[3]!.endedAt = '2026-11-03T10:47:40.000Z';
      break;
    }
    case 'cancelled':
      Object.assign(base, {
        startedAt: '2026-11-03T10:42:10.000Z',
        endedAt: '2026-11-03T10:42:30.000Z',
        steps: steps(['done', 'cancelled']),
        outcome: { summary: 'Cancelled by bob before anything changed' },
      });
      break;
    default:
      break;
  }
  return { ...base, ...overrides };
}

export function plan(overrides: Partial<RollbackPlan> = {}, dryRun = false): RollbackPlan {
  return {
    jobId: 'rb-kaizen-20261103-104200',
    request: {
      service: 'kaizen',
      version: 'v0.7.0',
      dryRun,
      reason: 'Error rate at 12% since the v0.8.0 deploy',
      requester: { id: 'U0ALICE', name: 'alice', source: 'slack' },
      channel: 'C0DEPLOYS',
    },
    service: 'kaizen',
    environment: 'production',
    strategy: 'kubernetes',
    from: 'v0.8.0 (revision 5)',
    to: 'v0.7.0 (revision 3)',
    target: { revision: 3 },
    steps: STEP_TITLES.map(([id, title]) => ({ id, title })),
    actions: [
      {
        target: 'cluster prod-eu/kaizen',
        description: 'kubectl get deployment kaizen -o yaml > backup-deployment-20261103-104200.yaml',
      },
      {
        target: 'cluster prod-eu/kaizen',
        description:
          'PATCH deployment/kaizen: /spec/template := ReplicaSet kaizen-7d9f8 (revision 3, image kaizen:v0.7.0)',
      },
      {
        target: 'cluster prod-eu/kaizen',
        description: 'kubectl rollout status deployment/kaizen --timeout=600s',
      },
      { target: 'local', description: 'curl -s http://kaizen-service/health' },
    ],
    createdAt: '2026-11-03T10:41:58.000Z',
    ...overrides,
  };
}
