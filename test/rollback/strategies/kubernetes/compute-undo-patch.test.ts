import { describe, expect, it } from 'vitest';
import { computeUndoPatch } from '../../../../src/rollback/strategies/kubernetes/compute-undo-patch.js';
import { deployment, history, podTemplate, replicaSet } from './deployment-fixtures.js';

describe('computeUndoPatch (kubectl rollout undo)', () => {
  it('goes to the second-highest revision of the ReplicaSets the Deployment controls', () => {
    const { deployment: d, replicaSets } = history();
    const plan = computeUndoPatch(d, replicaSets);
    expect(plan.kind).toBe('patch');
    if (plan.kind !== 'patch') return;
    expect(plan.revision).toBe(4);
    expect(plan.replicaSet.metadata?.name).toBe('kaizen-6f7a8b9c2');
  });

  it('replaces the template (without pod-template-hash) and the annotations exactly as kubectl does', () => {
    const { deployment: d, replicaSets } = history();
    const plan = computeUndoPatch(d, replicaSets, 3);
    if (plan.kind !== 'patch') throw new Error(`expected a patch, got ${plan.kind}`);
    const expectedTemplate = JSON.parse(
      JSON.stringify(podTemplate('registry.example.com/kaizen:v0.7.0')),
    ) as Record<string, unknown>;
    expectedTemplate['metadata'] = { creationTimestamp: null, ...(expectedTemplate['metadata'] as object) };
    expect(plan.patch).toEqual([
      { op: 'replace', path: '/spec/template', value: expectedTemplate },
      {
        op: 'replace',
        path: '/metadata/annotations',
        value: {
          // The Deployment's own revision and last-applied annotations are kept...
          'deployment.kubernetes.io/revision': '5',
          'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
          // ...the ReplicaSet's others are copied (its desired/max-replicas ones are not).
          'kubernetes.io/change-cause': 'deploy registry.example.com/kaizen:v0.7.0',
        },
      },
    ]);
    const template = plan.patch[0]?.value as { metadata: { labels: Record<string, string> } };
    expect(template.metadata.labels).toEqual({ app: 'kaizen' });
  });

  it("fails with kubectl's message for a revision that is not in the history (or a foreign ReplicaSet's)", () => {
    const { deployment: d, replicaSets } = history();
    expect(computeUndoPatch(d, replicaSets, 2)).toEqual({
      kind: 'refused',
      reason: 'revision_not_found',
      message: 'unable to find specified revision 2 in history',
    });
    expect(computeUndoPatch(d, replicaSets, 9)).toMatchObject({ reason: 'revision_not_found' });
    expect(computeUndoPatch(d, replicaSets, -1)).toMatchObject({
      message: 'unable to find specified revision -1 in history',
    });
  });

  it('has no previous revision when the Deployment has only one ReplicaSet', () => {
    const d = deployment('registry.example.com/kaizen:v0.8.0');
    expect(computeUndoPatch(d, [replicaSet('7d9f8b6c5', 5, 'registry.example.com/kaizen:v0.8.0')])).toEqual({
      kind: 'refused',
      reason: 'no_history',
      message: 'no rollout history found for deployment "kaizen"',
    });
  });

  it("refuses a paused Deployment with kubectl's advice", () => {
    const { replicaSets } = history();
    const d = deployment('registry.example.com/kaizen:v0.8.0', { paused: true });
    expect(computeUndoPatch(d, replicaSets)).toEqual({
      kind: 'refused',
      reason: 'paused',
      message:
        "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/kaizen' and try again",
    });
  });

  it('checks the revision before the pause, as kubectl does', () => {
    const { replicaSets } = history();
    const d = deployment('registry.example.com/kaizen:v0.8.0', { paused: true });
    expect(computeUndoPatch(d, replicaSets, 42)).toMatchObject({ reason: 'revision_not_found' });
  });

  it('skips when the current template already matches the revision (ignoring the hash label)', () => {
    const { deployment: d, replicaSets } = history();
    expect(computeUndoPatch(d, replicaSets, 5)).toMatchObject({
      kind: 'skip',
      revision: 5,
      message: 'skipped rollback (current template already matches revision 5)',
    });
  });

  it('counts a ReplicaSet without a revision annotation as revision 0 and ignores unparsable ones', () => {
    const d = deployment('registry.example.com/kaizen:v0.8.0');
    const broken = replicaSet('1111111111', 7, 'registry.example.com/kaizen:v0.6.0');
    broken.metadata!.annotations!['deployment.kubernetes.io/revision'] = 'seven';
    const replicaSets = [
      replicaSet('7d9f8b6c5', 5, 'registry.example.com/kaizen:v0.8.0'),
      replicaSet('0000000000', undefined, 'registry.example.com/kaizen:v0.5.0'),
      broken,
    ];
    const plan = computeUndoPatch(d, replicaSets);
    expect(plan).toMatchObject({ kind: 'patch', revision: 0 });
    if (plan.kind === 'patch') expect(plan.replicaSet.metadata?.name).toBe('kaizen-0000000000');
  });

  it('sees a template difference other than the image (an env var) as a real change', () => {
    const d = deployment('registry.example.com/kaizen:v0.8.0');
    const replicaSets = [
      replicaSet('7d9f8b6c5', 5, 'registry.example.com/kaizen:v0.8.0'),
      replicaSet('3333333333', 4, 'registry.example.com/kaizen:v0.8.0', { env: 'debug' }),
    ];
    expect(computeUndoPatch(d, replicaSets)).toMatchObject({ kind: 'patch', revision: 4 });
  });
});
