/**
 * Legacy (unaggregated) discovery documents: /api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>
 * (apps/v1 and the custom resources' groups) and /version.
 * Aggregated discovery is not offered: the documents are served as plain application/json, which tells
 * client-go to fall back to per-group-version discovery.
 */
import { apiGroups, RESOURCE_TYPES, type ResourceType } from './resource-types.js';

export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.4-fake',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-04-22T16:00:00Z',
    goVersion: 'go1.23.6',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(name: string, version: string): Record<string, unknown> {
  const entry = { groupVersion: `${name}/${version}`, version };
  return { name, versions: [entry], preferredVersion: entry };
}

export function apiGroupList(): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: apiGroups().map((g) => groupEntry(g.name, g.version)),
  };
}

export function apiGroup(name: string): Record<string, unknown> | undefined {
  const group = apiGroups().find((g) => g.name === name);
  return group ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group.name, group.version) } : undefined;
}

/** The APIResourceList for a group version ("v1" or "apps/v1"), subresources included. */
export function apiResourceList(groupVersion: string): Record<string, unknown> | undefined {
  const types = RESOURCE_TYPES.filter(
    (t) => (t.group === '' ? t.version : `${t.group}/${t.version}`) === groupVersion,
  );
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: types.flatMap((t) => [resourceEntry(t), ...t.subresources.map((s) => subresourceEntry(t, s))]),
  };
}

function resourceEntry(t: ResourceType): Record<string, unknown> {
  return {
    name: t.resource,
    singularName: t.singularName,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
    shortNames: t.shortNames,
    ...(t.categories ? { categories: t.categories } : {}),
    storageVersionHash: Buffer.from(`${t.group}/${t.resource}`).toString('base64').slice(0, 11),
  };
}

function subresourceEntry(t: ResourceType, sub: string): Record<string, unknown> {
  if (sub === 'scale') {
    return {
      name: `${t.resource}/scale`,
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    };
  }
  if (sub === 'log')
    return { name: `${t.resource}/log`, singularName: '', namespaced: true, kind: t.kind, verbs: ['get'] };
  return {
    name: `${t.resource}/${sub}`,
    singularName: '',
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: ['get', 'patch', 'update'],
  };
}
