import type { V1Deployment, V1PodTemplateSpec } from '@kubernetes/client-node';
import { templateWithoutHash } from '../equal-ignore-hash.js';

/** The annotation `kubectl apply` keeps its last manifest in (client-side apply's three-way merge). */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The key a list's items merge on where kubectl's strategic merge uses one: name, else a port or path. */
function mergeKeyOf(item: Json): string | undefined {
  if (!isObject(item)) return undefined;
  for (const key of ['name', 'containerPort', 'mountPath', 'devicePath', 'ip']) {
    const value = item[key];
    if (typeof value === 'string' || typeof value === 'number') return `${key}=${String(value)}`;
  }
  return undefined;
}

/**
 * The applied manifest's fields, with the values the restored template has: a field the restored template
 * lacks is dropped (it came with the bad version), a list item it adds is kept whole (the bad version had
 * removed it), so a later `kubectl apply` of the restored manifest finds nothing to change and one of
 * the bad manifest puts its fields back as a visible change.
 */
export function projectOnto(applied: Json, restored: Json): Json {
  if (isObject(applied) && isObject(restored)) {
    const out: Record<string, Json> = {};
    for (const key of Object.keys(applied)) {
      if (key in restored) out[key] = projectOnto(applied[key], restored[key]);
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(restored) && restored.every((i) => mergeKeyOf(i))) {
    const appliedByKey = new Map(applied.map((item) => [mergeKeyOf(item), item] as const));
    return restored.map((item) => {
      const before = appliedByKey.get(mergeKeyOf(item));
      return before === undefined ? item : projectOnto(before, item);
    });
  }
  return restored;
}

/**
 * The last-applied-configuration that matches what the Deployment runs once rolled back to `template`:
 * the manifest last applied, its pod template replaced by the restored one (as projected above). Undefined
 * when the Deployment was never `kubectl apply`-ed (no annotation) or the annotation is not JSON.
 */
export function restoredLastApplied(
  deployment: V1Deployment,
  template: V1PodTemplateSpec | undefined,
): string | undefined {
  const raw = deployment.metadata?.annotations?.[LAST_APPLIED];
  if (raw === undefined) return undefined;
  let applied: Json;
  try {
    applied = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isObject(applied) || !isObject(applied['spec'])) return undefined;
  const spec = applied['spec'];
  if (!isObject(spec['template'])) return undefined;
  const restored = templateWithoutHash(template);
  const next = { ...applied, spec: { ...spec, template: projectOnto(spec['template'], restored) } };
  // kubectl writes the JSON followed by a newline.
  return `${JSON.stringify(next)}\n`;
}
