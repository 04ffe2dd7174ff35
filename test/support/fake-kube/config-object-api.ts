/** The test-side API for Secrets and ConfigMaps: create them and change their content, as kubectl would. */
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { toClientModel } from './client-model.js';
import type { ObjectStore } from './object-store.js';
import { resourceTypeByName } from './resource-types.js';
import type { KubeObject } from './wire-types.js';
import { prepareWrite } from './write-preparation.js';

export interface FakeConfigSpec {
  namespace?: string;
  name: string;
  /** ConfigMap data, or Secret values in clear text (stored base64-encoded as `data`, like `stringData`). */
  data: Record<string, string>;
  /** Secret type (default Opaque). */
  type?: string;
}

function configObject(spec: FakeConfigSpec, kind: 'ConfigMap' | 'Secret'): KubeObject {
  const metadata = { name: spec.name, namespace: spec.namespace ?? 'default' };
  if (kind === 'ConfigMap') return { metadata, data: { ...spec.data } };
  return { metadata, stringData: { ...spec.data }, ...(spec.type ? { type: spec.type } : {}) };
}

export function configObjectApi(store: ObjectStore): {
  createSecret(spec: FakeConfigSpec): V1Secret;
  createConfigMap(spec: FakeConfigSpec): V1ConfigMap;
  updateConfigData(
    kind: 'ConfigMap' | 'Secret',
    namespace: string,
    name: string,
    data: Record<string, string>,
  ): void;
} {
  const create = (resource: 'secrets' | 'configmaps', object: KubeObject): KubeObject =>
    store.create(resource, prepareWrite(resourceTypeByName(resource), object));
  return {
    createSecret: (spec) => toClientModel<V1Secret>(create('secrets', configObject(spec, 'Secret'))),
    createConfigMap: (spec) =>
      toClientModel<V1ConfigMap>(create('configmaps', configObject(spec, 'ConfigMap'))),
    updateConfigData(kind, namespace, name, data) {
      const resource = kind === 'Secret' ? 'secrets' : 'configmaps';
      const current = store.get(resource, namespace, name);
      if (!current) throw new Error(`fake-kube: no ${kind} ${namespace}/${name}`);
      const next = { ...structuredClone(current), ...configObject({ namespace, name, data }, kind) };
      next.metadata = current.metadata;
      if (kind === 'Secret') delete next['data'];
      store.update(resource, prepareWrite(resourceTypeByName(resource), next, current));
    },
  };
}
