import type { V1PodTemplateSpec } from '@kubernetes/client-node';

/** The label the Deployment controller adds to each ReplicaSet's template and pods. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/**
 * A plain-JSON copy of an API object for comparison: Dates become RFC 3339 strings, and null, undefined,
 * empty objects and empty arrays are dropped, like apimachinery's semantic equality treats nil and empty
 * the same (a Go struct decoded from `{}` or from nothing is identical).
 */
export function normalizeJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => normalizeJson(item) ?? null);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = normalizeJson((value as Record<string, unknown>)[key]);
      if (item === undefined || item === null) continue;
      if (Array.isArray(item) && item.length === 0) continue;
      if (typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length === 0) continue;
      out[key] = item;
    }
    return out;
  }
  return value;
}

/** A pod template without the pod-template-hash label, as plain JSON (no undefined, Dates as strings). */
export function templateWithoutHash(template: V1PodTemplateSpec | undefined): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(template ?? {})) as Record<string, unknown>;
  const metadata = copy['metadata'] as { labels?: Record<string, string> } | undefined;
  if (metadata?.labels) {
    delete metadata.labels[POD_TEMPLATE_HASH_LABEL];
    if (Object.keys(metadata.labels).length === 0) delete metadata.labels;
  }
  return copy;
}

/** kubectl's `equalIgnoreHash`: two pod templates are equal once their pod-template-hash labels are ignored. */
export function equalIgnoreHash(a: V1PodTemplateSpec | undefined, b: V1PodTemplateSpec | undefined): boolean {
  return (
    JSON.stringify(normalizeJson(templateWithoutHash(a))) ===
    JSON.stringify(normalizeJson(templateWithoutHash(b)))
  );
}
