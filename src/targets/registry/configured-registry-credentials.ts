import { readFile } from 'node:fs/promises';
import { PermanentError } from '../../errors/rollback-error.js';
import { credentialFromDockerConfig } from '../../rollback/images/docker-config-credentials.js';
import { RegistryCredential, type RegistryCredentialsLookup } from '../../rollback/ports/image-registry.js';

export interface ConfiguredCredentialsSettings {
  /** Name of an environment variable holding `username:password` or a docker config JSON. */
  credentialsEnv?: string;
  /** Path of a file holding the same (a mounted `.dockerconfigjson`, or `username:password`). */
  credentialsFile?: string;
}

/**
 * Parses `username:password` (any host) or a docker config JSON (the entry for the host). The text never
 * appears in errors.
 */
export function parseConfiguredCredentials(
  text: string,
  registryHost: string,
  source: string,
): RegistryCredential | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return credentialFromDockerConfig(trimmed, registryHost, source);
  const colon = trimmed.indexOf(':');
  if (colon <= 0 || trimmed.includes('\n'))
    throw new PermanentError(
      'registry_credentials_invalid',
      `The registry credentials in ${source} are not username:password or a docker config JSON.`,
    );
  return new RegistryCredential(trimmed.slice(0, colon), trimmed.slice(colon + 1), source);
}

/**
 * Registry credentials a service names in its configuration: an environment variable of the bot (the
 * composition root passes its environment in) or a file (read at each lookup, so a rotated mounted Secret
 * is picked up). Undefined when the service names neither. The YAML holds only the name, never the secret.
 */
export function configuredRegistryCredentials(
  settings: ConfiguredCredentialsSettings,
  deps: {
    env: Readonly<Record<string, string | undefined>>;
    readTextFile?: (path: string) => Promise<string>;
  },
): RegistryCredentialsLookup | undefined {
  const { credentialsEnv, credentialsFile } = settings;
  if (credentialsEnv === undefined && credentialsFile === undefined) return undefined;
  const read = deps.readTextFile ?? ((path: string) => readFile(path, 'utf8'));
  return async (registryHost) => {
    if (credentialsEnv !== undefined) {
      const value = deps.env[credentialsEnv];
      if (value === undefined || value.trim() === '')
        throw new PermanentError(
          'registry_credentials_missing',
          `The environment variable ${credentialsEnv} (registry credentials) is not set.`,
          {
            hint: `Set ${credentialsEnv} in the bot's environment, or remove kubernetes.registry.credentialsEnv.`,
          },
        );
      return parseConfiguredCredentials(value, registryHost, `env ${credentialsEnv}`);
    }
    const path = credentialsFile ?? '';
    let text: string;
    try {
      text = await read(path);
    } catch (error) {
      throw new PermanentError(
        'registry_credentials_missing',
        `Cannot read the registry credentials file ${path}.`,
        {
          cause: error,
          hint: 'Mount the Secret at that path, or fix kubernetes.registry.credentialsFile.',
        },
      );
    }
    return parseConfiguredCredentials(text, registryHost, `file ${path}`);
  };
}
