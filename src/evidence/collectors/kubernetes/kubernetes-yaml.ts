import { stringify } from 'yaml';
import { isSecretField, REDACTED } from '../../../config/redact-config.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Kubernetes objects as YAML documents the way `kubectl get -o yaml` shows them, minus managedFields, with
 * secrets removed before they become text: env values of secret-looking variables, `Secret` data, and the
 * same inside kubectl's last-applied annotation. (The text redactor runs on the result again.)
 */
export function kubernetesYaml(objects: readonly unknown[], apiVersion: string, kind: string): string {
  return objects
    .map((object) => stringify(cleanObject(object, apiVersion, kind), { lineWidth: 0 }))
    .join('---\n');
}

function cleanObject(object: unknown, apiVersion: string, kind: string): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(object ?? {})) as Record<string, unknown>;
  const metadata = plain['metadata'] as Record<string, unknown> | undefined;
  if (metadata !== undefined) delete metadata['managedFields'];
  const annotations = metadata?.['annotations'] as Record<string, string> | undefined;
  if (annotations?.[LAST_APPLIED] !== undefined)
    annotations[LAST_APPLIED] = redactLastApplied(annotations[LAST_APPLIED]);
  const { apiVersion: _a, kind: _k, ...rest } = plain;
  return redactSecrets({ apiVersion, kind, ...rest }) as Record<string, unknown>;
}

function redactLastApplied(json: string): string {
  try {
    return JSON.stringify(redactSecrets(JSON.parse(json)));
  } catch {
    return REDACTED;
  }
}

/** Env entries `{name: DB_PASSWORD, value}` and the data of `Secret` objects, at any depth. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object)) copy[key] = redactSecrets(item);
  if (
    typeof object['name'] === 'string' &&
    typeof object['value'] === 'string' &&
    isSecretField(object['name'])
  ) {
    copy['value'] = REDACTED;
  }
  if (object['kind'] === 'Secret') {
    for (const field of ['data', 'stringData']) {
      const data = copy[field];
      if (data !== null && typeof data === 'object') {
        copy[field] = Object.fromEntries(Object.keys(data).map((k) => [k, REDACTED]));
      }
    }
  }
  return copy;
}
