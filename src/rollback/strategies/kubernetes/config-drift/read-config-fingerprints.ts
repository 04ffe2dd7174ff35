import type { V1PodSpec, V1PodTemplateSpec } from '@kubernetes/client-node';
import { RollbackError } from '../../../../errors/rollback-error.js';
import type { KubernetesCluster } from '../../../ports/kubernetes-cluster.js';
import { configMapContentHash, secretContentHash, type ContentHashOptions } from './config-content-hash.js';
import { referencedConfig, type ConfigReference } from './referenced-config.js';

/** What a referenced ConfigMap or Secret holds now, as a hash: safe to record, log and compare. */
export type ConfigFingerprint = ConfigReference &
  ({ state: 'present'; uid: string; resourceVersion: string; contentHash: string } | { state: 'missing' });

/**
 * Reads every ConfigMap and Secret the pod template references and keeps only their identity and content
 * hash (Secret values are hashed and dropped at once). Without the bot's `key` a Secret's content is not
 * hashed at all (a plain hash of a short secret could be brute-forced by whoever reads the record): its
 * "hash" is then its uid and resourceVersion, so any write to it counts as a change. A referenced object
 * that does not exist is `missing`; any other read failure is thrown.
 */
export async function readConfigFingerprints(
  cluster: KubernetesCluster,
  namespace: string,
  template: V1PodTemplateSpec | V1PodSpec | undefined,
  options: ContentHashOptions & { signal?: AbortSignal } = {},
): Promise<ConfigFingerprint[]> {
  const hashOptions: ContentHashOptions = options.key === undefined ? {} : { key: options.key };
  return Promise.all(
    referencedConfig(template).map(async (reference): Promise<ConfigFingerprint> => {
      try {
        if (reference.kind === 'ConfigMap') {
          const object = await cluster.getConfigMap(namespace, reference.name, options.signal);
          return {
            ...reference,
            state: 'present',
            ...identity(object.metadata),
            contentHash: configMapContentHash(object, hashOptions),
          };
        }
        const object = await cluster.getSecret(namespace, reference.name, options.signal);
        return {
          ...reference,
          state: 'present',
          ...identity(object.metadata),
          contentHash:
            options.key === undefined
              ? secretVersionMark(object.metadata)
              : secretContentHash(object, hashOptions),
        };
      } catch (error) {
        if (error instanceof RollbackError && error.code === 'kubernetes_not_found')
          return { ...reference, state: 'missing' };
        throw error;
      }
    }),
  );
}

function identity(metadata: { uid?: string; resourceVersion?: string } | undefined): {
  uid: string;
  resourceVersion: string;
} {
  return { uid: metadata?.uid ?? '', resourceVersion: metadata?.resourceVersion ?? '' };
}

/** A Secret's identity as its "hash" when the bot has no key: `resourceVersion:<uid>/<resourceVersion>`. */
function secretVersionMark(metadata: { uid?: string; resourceVersion?: string } | undefined): string {
  const { uid, resourceVersion } = identity(metadata);
  return `resourceVersion:${uid}/${resourceVersion}`;
}
