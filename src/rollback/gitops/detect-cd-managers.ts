/**
 * Who else manages a workload, read from the labels and annotations the CD systems themselves write on
 * what they apply: Argo CD (tracking annotation, or its default tracking label), Flux (the kustomize and
 * helm controllers' labels) and image updaters (argocd-image-updater, Flux image automation).
 */

export type CdSystem = 'argocd' | 'flux-kustomization' | 'flux-helmrelease' | 'image-updater';

export interface CdManager {
  system: CdSystem;
  /** The object that owns the workload: the Argo CD Application, the Flux Kustomization or HelmRelease. */
  name?: string;
  namespace?: string;
  /** The label or annotation it was seen in: "annotation argocd.argoproj.io/tracking-id". */
  evidence: string;
  /** False for Argo CD's tracking label alone, which Helm charts also set (app.kubernetes.io/instance). */
  certain: boolean;
}

export const ARGOCD_TRACKING_ID = 'argocd.argoproj.io/tracking-id';
export const ARGOCD_INSTANCE_LABEL = 'app.kubernetes.io/instance';
const FLUX_KUSTOMIZE = 'kustomize.toolkit.fluxcd.io';
const FLUX_HELM = 'helm.toolkit.fluxcd.io';
const IMAGE_UPDATER_PREFIXES = ['argocd-image-updater.argoproj.io/', 'image.toolkit.fluxcd.io/'];

export interface ObjectMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** `<app>:<group>/<kind>:<namespace>/<name>`; an app in another namespace is written `<namespace>_<app>`. */
function argoApplicationOf(trackingId: string): { name: string; namespace?: string } | undefined {
  const app = trackingId.split(':')[0] ?? '';
  if (app === '') return undefined;
  const split = app.indexOf('_');
  return split > 0 ? { namespace: app.slice(0, split), name: app.slice(split + 1) } : { name: app };
}

function argoManager(labels: Record<string, string>, annotations: Record<string, string>): CdManager[] {
  const trackingId = annotations[ARGOCD_TRACKING_ID];
  const fromId = trackingId === undefined ? undefined : argoApplicationOf(trackingId);
  if (fromId) {
    return [{ system: 'argocd', ...fromId, evidence: `annotation ${ARGOCD_TRACKING_ID}`, certain: true }];
  }
  const instance = labels[ARGOCD_INSTANCE_LABEL];
  if (instance === undefined || instance === '') return [];
  return [{ system: 'argocd', name: instance, evidence: `label ${ARGOCD_INSTANCE_LABEL}`, certain: false }];
}

function fluxManager(labels: Record<string, string>, group: string, system: CdSystem): CdManager | undefined {
  const name = labels[`${group}/name`];
  if (name === undefined) return undefined;
  const namespace = labels[`${group}/namespace`];
  return {
    system,
    name,
    ...(namespace ? { namespace } : {}),
    evidence: `label ${group}/name`,
    certain: true,
  };
}

function imageUpdaters(annotations: Record<string, string>): CdManager[] {
  const keys = Object.keys(annotations).filter((key) =>
    IMAGE_UPDATER_PREFIXES.some((prefix) => key.startsWith(prefix)),
  );
  return keys.length === 0
    ? []
    : [{ system: 'image-updater', evidence: `annotation ${keys.sort().join(', ')}`, certain: true }];
}

/** Every CD system whose marks are on this object (a Deployment, an Argo CD Application), most certain first. */
export function detectCdManagers(...objects: (ObjectMetadata | undefined)[]): CdManager[] {
  const found: CdManager[] = [];
  for (const metadata of objects) {
    const labels = metadata?.labels ?? {};
    const annotations = metadata?.annotations ?? {};
    found.push(...argoManager(labels, annotations));
    for (const [group, system] of [
      [FLUX_KUSTOMIZE, 'flux-kustomization'],
      [FLUX_HELM, 'flux-helmrelease'],
    ] as const) {
      const manager = fluxManager(labels, group, system);
      if (manager) found.push(manager);
    }
    found.push(...imageUpdaters(annotations));
  }
  const seen = new Set<string>();
  return found
    .filter((m) => {
      const key = `${m.system}/${m.namespace ?? ''}/${m.name ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => Number(b.certain) - Number(a.certain));
}

const SYSTEM_NAMES: Record<CdSystem, string> = {
  argocd: 'Argo CD Application',
  'flux-kustomization': 'Flux Kustomization',
  'flux-helmrelease': 'Flux HelmRelease',
  'image-updater': 'an image updater',
};

/** "Argo CD Application argocd/kaizen (annotation argocd.argoproj.io/tracking-id)". */
export function describeCdManager(manager: CdManager): string {
  const name =
    manager.name === undefined ? '' : ` ${manager.namespace ? `${manager.namespace}/` : ''}${manager.name}`;
  const maybe = manager.certain ? '' : 'probably ';
  return `${maybe}${SYSTEM_NAMES[manager.system]}${name} (${manager.evidence})`;
}
