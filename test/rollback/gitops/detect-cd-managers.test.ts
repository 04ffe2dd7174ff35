import { describe, expect, it } from 'vitest';
import { describeCdManager, detectCdManagers } from '../../../src/rollback/gitops/detect-cd-managers.js';

describe('detectCdManagers', () => {
  it("reads Argo CD's tracking annotation, with the Application's namespace when it has one", () => {
    const found = detectCdManagers({
      annotations: { 'argocd.argoproj.io/tracking-id': 'team-a_kaizen:apps/Deployment:prod/kaizen' },
      labels: { 'app.kubernetes.io/instance': 'kaizen' },
    });
    expect(found).toEqual([
      {
        system: 'argocd',
        name: 'kaizen',
        namespace: 'team-a',
        evidence: 'annotation argocd.argoproj.io/tracking-id',
        certain: true,
      },
    ]);
    expect(describeCdManager(found[0]!)).toBe(
      'Argo CD Application team-a/kaizen (annotation argocd.argoproj.io/tracking-id)',
    );
  });

  it("takes Argo CD's tracking label alone as probable only (Helm charts set it too)", () => {
    const [found] = detectCdManagers({ labels: { 'app.kubernetes.io/instance': 'kaizen' } });
    expect(found).toMatchObject({ system: 'argocd', name: 'kaizen', certain: false });
    expect(describeCdManager(found!)).toBe(
      'probably Argo CD Application kaizen (label app.kubernetes.io/instance)',
    );
  });

  it('reads the Flux kustomize and helm controllers labels and the image updaters annotations', () => {
    const found = detectCdManagers({
      labels: {
        'kustomize.toolkit.fluxcd.io/name': 'apps',
        'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
        'helm.toolkit.fluxcd.io/name': 'kaizen',
        'helm.toolkit.fluxcd.io/namespace': 'prod',
      },
      annotations: { 'argocd-image-updater.argoproj.io/image-list': 'kaizen=registry/kaizen' },
    });
    expect(found.map(describeCdManager)).toEqual([
      'Flux Kustomization flux-system/apps (label kustomize.toolkit.fluxcd.io/name)',
      'Flux HelmRelease prod/kaizen (label helm.toolkit.fluxcd.io/name)',
      'an image updater (annotation argocd-image-updater.argoproj.io/image-list)',
    ]);
  });

  it('finds nothing on a workload no CD system marked', () => {
    expect(detectCdManagers({ labels: { app: 'kaizen' }, annotations: {} }, undefined)).toEqual([]);
  });
});
