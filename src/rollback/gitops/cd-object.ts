import type { GitopsSection } from '../../config/gitops-schema.js';
import type { CustomObjectRef, JsonPatchOperation } from '../ports/kubernetes-cluster.js';
import type { HoldKind } from '../ports/gitops-holds.js';
import type { CdManager } from './detect-cd-managers.js';

/** The object of a CD system that can be held, and how. */
export interface CdObject {
  ref: CustomObjectRef;
  kind: HoldKind;
  /** "Argo CD Application argocd/kaizen". */
  description: string;
  /** Whether it came from a tracking mark that may be someone else's (Argo CD's label alone). */
  certain: boolean;
}

const ARGO = { group: 'argoproj.io', version: 'v1alpha1', plural: 'applications' };
const FLUX = {
  Kustomization: { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations' },
  HelmRelease: { group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases' },
} as const;

/** The CD object to hold: the one the service's config names, else the one the Deployment's marks name. */
export function cdObjectFor(
  config: GitopsSection | undefined,
  managers: readonly CdManager[],
  workloadNamespace: string,
): CdObject | undefined {
  if (config?.argocd) {
    const { application, namespace } = config.argocd;
    return argo(application, namespace, true);
  }
  if (config?.flux) return flux(config.flux.kind, config.flux.name, config.flux.namespace, true);
  for (const m of managers) {
    if (m.name === undefined) continue;
    if (m.system === 'argocd') return argo(m.name, m.namespace ?? 'argocd', m.certain);
    if (m.system === 'flux-kustomization')
      return flux('Kustomization', m.name, m.namespace ?? workloadNamespace, true);
    if (m.system === 'flux-helmrelease')
      return flux('HelmRelease', m.name, m.namespace ?? workloadNamespace, true);
  }
  return undefined;
}

function argo(name: string, namespace: string, certain: boolean): CdObject {
  return {
    ref: { ...ARGO, namespace, name },
    kind: 'argocd-automated',
    description: `Argo CD Application ${namespace}/${name}`,
    certain,
  };
}

function flux(kind: keyof typeof FLUX, name: string, namespace: string, certain: boolean): CdObject {
  return {
    ref: { ...FLUX[kind], namespace, name },
    kind: 'flux-suspend',
    description: `Flux ${kind} ${namespace}/${name}`,
    certain,
  };
}

/** The field a hold changes: `/spec/syncPolicy/automated` or `/spec/suspend`. */
export function holdPath(kind: HoldKind): string {
  return kind === 'argocd-automated' ? '/spec/syncPolicy/automated' : '/spec/suspend';
}

/** The field's value now: `present: false` when absent. */
export function heldField(
  object: Record<string, unknown>,
  kind: HoldKind,
): { present: boolean; value?: unknown } {
  const spec = (object['spec'] ?? {}) as Record<string, unknown>;
  if (kind === 'flux-suspend')
    return 'suspend' in spec ? { present: true, value: spec['suspend'] } : { present: false };
  const policy = (spec['syncPolicy'] ?? {}) as Record<string, unknown>;
  return 'automated' in policy ? { present: true, value: policy['automated'] } : { present: false };
}

/** Whether the CD system would re-apply Git now: automated sync on, or the Flux object not suspended. */
export function isActive(kind: HoldKind, field: { present: boolean; value?: unknown }): boolean {
  if (kind === 'argocd-automated') return field.present && field.value !== null;
  return !(field.present && field.value === true);
}

/** The JSON Patch that holds it, guarded by a test of the value just read (a change in between: conflict). */
export function holdPatch(
  kind: HoldKind,
  field: { present: boolean; value?: unknown },
): JsonPatchOperation[] {
  const path = holdPath(kind);
  if (kind === 'argocd-automated')
    return [
      { op: 'test', path, value: field.value },
      { op: 'remove', path },
    ];
  return field.present
    ? [
        { op: 'test', path, value: field.value },
        { op: 'replace', path, value: true },
      ]
    : [{ op: 'add', path, value: true }];
}

/** The JSON Patch that puts the original back exactly (absent again, or the very value recorded). */
export function restorePatch(
  kind: HoldKind,
  original: { present: boolean; value?: unknown },
  now: { present: boolean },
): JsonPatchOperation[] {
  const path = holdPath(kind);
  if (!original.present) return now.present ? [{ op: 'remove', path }] : [];
  if (kind === 'argocd-automated' && !now.present) {
    return [{ op: 'add', path, value: original.value }];
  }
  return [{ op: now.present ? 'replace' : 'add', path, value: original.value }];
}
