/** The API resources the fake serves, with what discovery and the router need to know about each. */
export interface ResourceType {
  /** Plural resource name as in the URL: "deployments". */
  resource: string;
  group: string;
  version: string;
  kind: string;
  singularName: string;
  shortNames: string[];
  namespaced: boolean;
  verbs: string[];
  categories?: string[];
  subresources: string[];
  /** Defined by a CRD: the API server refuses strategic merge patches on it (415). */
  custom?: boolean;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const RESOURCE_TYPES: readonly ResourceType[] = [
  {
    resource: 'deployments',
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    singularName: 'deployment',
    shortNames: ['deploy'],
    namespaced: true,
    verbs: ALL_VERBS,
    categories: ['all'],
    subresources: ['status', 'scale'],
  },
  {
    resource: 'replicasets',
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    singularName: 'replicaset',
    shortNames: ['rs'],
    namespaced: true,
    verbs: ALL_VERBS,
    categories: ['all'],
    subresources: ['status'],
  },
  {
    resource: 'pods',
    group: '',
    version: 'v1',
    kind: 'Pod',
    singularName: 'pod',
    shortNames: ['po'],
    namespaced: true,
    verbs: ALL_VERBS,
    categories: ['all'],
    subresources: ['status', 'log'],
  },
  {
    resource: 'events',
    group: '',
    version: 'v1',
    kind: 'Event',
    singularName: 'event',
    shortNames: ['ev'],
    namespaced: true,
    verbs: ALL_VERBS,
    subresources: [],
  },
  {
    resource: 'secrets',
    group: '',
    version: 'v1',
    kind: 'Secret',
    singularName: 'secret',
    shortNames: [],
    namespaced: true,
    verbs: ALL_VERBS,
    subresources: [],
  },
  {
    resource: 'configmaps',
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    singularName: 'configmap',
    shortNames: ['cm'],
    namespaced: true,
    verbs: ALL_VERBS,
    subresources: [],
  },
  {
    resource: 'namespaces',
    group: '',
    version: 'v1',
    kind: 'Namespace',
    singularName: 'namespace',
    shortNames: ['ns'],
    namespaced: false,
    verbs: ['get', 'list'],
    subresources: [],
  },
  // Custom resources, as their CRDs define them (served like any CRD: no strategic merge patch, status
  // subresource): Argo CD's Application, Flux's Kustomization and HelmRelease.
  {
    resource: 'applications',
    group: 'argoproj.io',
    version: 'v1alpha1',
    kind: 'Application',
    singularName: 'application',
    shortNames: ['app', 'apps'],
    namespaced: true,
    verbs: ALL_VERBS,
    categories: ['argo'],
    subresources: [],
    custom: true,
  },
  {
    resource: 'kustomizations',
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    kind: 'Kustomization',
    singularName: 'kustomization',
    shortNames: ['ks'],
    namespaced: true,
    verbs: ALL_VERBS,
    categories: ['all'],
    subresources: ['status'],
    custom: true,
  },
  {
    resource: 'helmreleases',
    group: 'helm.toolkit.fluxcd.io',
    version: 'v2',
    kind: 'HelmRelease',
    singularName: 'helmrelease',
    shortNames: ['hr'],
    namespaced: true,
    verbs: ALL_VERBS,
    categories: ['all'],
    subresources: ['status'],
    custom: true,
  },
];

/** The API groups served besides the core group, in discovery order. */
export function apiGroups(): { name: string; version: string }[] {
  const seen = new Map<string, string>();
  for (const t of RESOURCE_TYPES) if (t.group !== '' && !seen.has(t.group)) seen.set(t.group, t.version);
  return [...seen].map(([name, version]) => ({ name, version }));
}

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** "deployments.apps" / "pods": how the API server names a resource in its error messages. */
export function qualifiedResource(type: ResourceType): string {
  return type.group === '' ? type.resource : `${type.resource}.${type.group}`;
}

export function findResourceType(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.resource === resource);
}

export function resourceTypeByName(resource: string): ResourceType {
  const type = RESOURCE_TYPES.find((t) => t.resource === resource);
  if (!type) throw new Error(`fake-kube: unknown resource ${resource}`);
  return type;
}
