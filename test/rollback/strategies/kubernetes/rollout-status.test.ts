import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { rolloutStatus } from '../../../../src/rollback/strategies/kubernetes/rollout-status.js';
import { deployment } from './deployment-fixtures.js';

function withStatus(status: NonNullable<V1Deployment['status']>, generation = 7): V1Deployment {
  const d = deployment('registry.example.com/kaizen:v0.7.0');
  d.metadata!.generation = generation;
  d.status = status;
  return d;
}

describe('rolloutStatus (kubectl rollout status)', () => {
  it('waits until the controller observed the new generation', () => {
    expect(
      rolloutStatus(
        withStatus({ observedGeneration: 7, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }, 8),
      ),
    ).toMatchObject({
      state: 'waiting',
      message: 'Waiting for deployment spec update to be observed...',
    });
  });

  it("waits for updated replicas, then old replicas, then available replicas, with kubectl's messages", () => {
    expect(
      rolloutStatus(
        withStatus({ observedGeneration: 7, replicas: 4, updatedReplicas: 1, availableReplicas: 3 }),
      ).message,
    ).toBe('Waiting for deployment "kaizen" rollout to finish: 1 out of 3 new replicas have been updated...');
    expect(
      rolloutStatus(
        withStatus({ observedGeneration: 7, replicas: 4, updatedReplicas: 3, availableReplicas: 3 }),
      ).message,
    ).toBe('Waiting for deployment "kaizen" rollout to finish: 1 old replicas are pending termination...');
    expect(
      rolloutStatus(
        withStatus({ observedGeneration: 7, replicas: 3, updatedReplicas: 3, availableReplicas: 2 }),
      ).message,
    ).toBe('Waiting for deployment "kaizen" rollout to finish: 2 of 3 updated replicas are available...');
  });

  it('is done when all replicas are updated and available', () => {
    expect(
      rolloutStatus(
        withStatus({ observedGeneration: 7, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      ),
    ).toEqual({
      state: 'done',
      message: 'deployment "kaizen" successfully rolled out',
      summary: '3/3 updated, 3 available',
    });
  });

  it('fails when the Progressing condition says ProgressDeadlineExceeded', () => {
    const d = withStatus({
      observedGeneration: 7,
      replicas: 4,
      updatedReplicas: 1,
      availableReplicas: 3,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "kaizen-x" has timed out progressing.',
        },
      ],
    });
    expect(rolloutStatus(d)).toEqual({
      state: 'failed',
      message: 'deployment "kaizen" exceeded its progress deadline',
      summary: '1/3 updated, 3 available',
    });
  });

  it('does not decide on a stale failure before the new generation is observed', () => {
    const d = withStatus(
      {
        observedGeneration: 7,
        replicas: 3,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      },
      8,
    );
    expect(rolloutStatus(d).state).toBe('waiting');
  });
});
