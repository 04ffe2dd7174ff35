import type { V1PodSpec, V1Secret } from '@kubernetes/client-node';
import { PermanentError, RollbackError } from '../../errors/rollback-error.js';
import type { RegistryCredential, RegistryCredentialsLookup } from '../ports/image-registry.js';
import type { KubernetesCluster } from '../ports/kubernetes-cluster.js';
import { credentialFromDockerConfig } from './docker-config-credentials.js';

const DOCKER_CONFIG_KEYS: Record<string, string> = {
  'kubernetes.io/dockerconfigjson': '.dockerconfigjson',
  'kubernetes.io/dockercfg': '.dockercfg',
};

/** The names of a pod spec's imagePullSecrets, in order. */
export function imagePullSecretNames(spec: V1PodSpec | undefined): string[] {
  return (spec?.imagePullSecrets ?? []).map((ref) => ref.name).filter((name): name is string => !!name);
}

/** The registry credential a `kubernetes.io/dockerconfigjson` (or legacy dockercfg) Secret holds for a host. */
export function credentialFromSecret(secret: V1Secret, registryHost: string): RegistryCredential | undefined {
  const key = DOCKER_CONFIG_KEYS[secret.type ?? ''];
  const payload = key === undefined ? undefined : secret.data?.[key];
  if (payload === undefined) return undefined;
  const text = Buffer.from(payload, 'base64').toString('utf8');
  return credentialFromDockerConfig(text, registryHost, `Secret ${secret.metadata?.name ?? '?'}`);
}

/**
 * Looks registry credentials up in Kubernetes Secrets of the namespace (the Deployment's imagePullSecrets,
 * or one named in the service configuration), in order; each Secret is read once per lookup. A Secret that
 * does not exist is skipped, as the kubelet does; any other read failure is thrown.
 */
export function registryCredentialsFromSecrets(
  cluster: KubernetesCluster,
  namespace: string,
  secretNames: readonly string[],
): RegistryCredentialsLookup {
  const read = new Map<string, Promise<V1Secret | undefined>>();
  const secret = (name: string, signal?: AbortSignal): Promise<V1Secret | undefined> => {
    let pending = read.get(name);
    if (!pending) {
      pending = cluster.getSecret(namespace, name, signal).catch((error: unknown) => {
        if (error instanceof RollbackError && error.code === 'kubernetes_not_found') return undefined;
        throw error;
      });
      read.set(name, pending);
    }
    return pending;
  };
  return async (registryHost, signal) => {
    for (const name of secretNames) {
      const found = await secret(name, signal);
      const credential = found ? credentialFromSecret(found, registryHost) : undefined;
      if (credential) return credential;
    }
    return undefined;
  };
}

/** The first lookup that has a credential for the host wins; undefined when none has. */
export function firstRegistryCredentials(
  lookups: readonly (RegistryCredentialsLookup | undefined)[],
): RegistryCredentialsLookup {
  const present = lookups.filter((l): l is RegistryCredentialsLookup => l !== undefined);
  return async (registryHost, signal) => {
    for (const lookup of present) {
      const credential = await lookup(registryHost, signal);
      if (credential) return credential;
    }
    return undefined;
  };
}

export interface ServiceRegistryCredentialsOptions {
  cluster: KubernetesCluster;
  namespace: string;
  /** The Deployment's pod spec, for its imagePullSecrets. */
  podSpec: V1PodSpec | undefined;
  /** `kubernetes.registry.credentialsSecretName`: a dockerconfigjson Secret in the namespace. */
  credentialsSecretName?: string;
  /** `kubernetes.registry.useImagePullSecrets` (default true). */
  useImagePullSecrets?: boolean;
  /** Credentials from the bot's environment or a file (`credentialsEnv`, `credentialsFile`), built in targets. */
  configured?: RegistryCredentialsLookup;
}

/**
 * Where a service's registry credentials come from, in order: its configuration (env var or file), the
 * Secret it names, then the Deployment's imagePullSecrets. A named Secret that is missing is a
 * configuration error, said plainly.
 */
export function serviceRegistryCredentials(
  options: ServiceRegistryCredentialsOptions,
): RegistryCredentialsLookup {
  const named = options.credentialsSecretName;
  const namedLookup =
    named === undefined
      ? undefined
      : async (host: string, signal?: AbortSignal): Promise<RegistryCredential | undefined> => {
          const secret = await options.cluster
            .getSecret(options.namespace, named, signal)
            .catch((error: unknown) => {
              if (error instanceof RollbackError && error.code === 'kubernetes_not_found')
                throw new PermanentError(
                  'registry_credentials_missing',
                  `The registry credentials Secret "${named}" does not exist in namespace ${options.namespace}.`,
                  {
                    hint: 'Create it (kubectl create secret docker-registry) or fix kubernetes.registry.credentialsSecretName.',
                  },
                );
              throw error;
            });
          return credentialFromSecret(secret, host);
        };
  const pullSecrets =
    options.useImagePullSecrets === false
      ? undefined
      : registryCredentialsFromSecrets(
          options.cluster,
          options.namespace,
          imagePullSecretNames(options.podSpec),
        );
  return firstRegistryCredentials([options.configured, namedLookup, pullSecrets]);
}
