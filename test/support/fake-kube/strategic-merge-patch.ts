import { PatchError } from './json-patch.js';

/**
 * Strategic merge patch (`application/strategic-merge-patch+json`) for the fields of Deployments, ReplicaSets
 * and Pods: lists with a patch merge key merge element by element; other lists are replaced. Supports the
 * `$patch` (replace/delete/merge), `$setElementOrder/…`, `$deleteFromPrimitiveList/…` and `$retainKeys` directives.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  imagePullSecrets: 'name',
  resourceClaims: 'name',
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
};

/** Lists of scalars that merge as sets instead of being replaced. */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

type JsonMap = Record<string, unknown>;

export function applyStrategicMergePatch<T>(original: T, patch: unknown): T {
  if (!isMap(patch)) throw new PatchError('strategic merge patch must be a JSON object');
  return mergeMap(isMap(original) ? original : {}, patch) as T;
}

function mergeMap(original: JsonMap, patch: JsonMap): JsonMap | undefined {
  const directive = patch['$patch'];
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return stripDirectives(rest) as JsonMap;
  }
  const result: JsonMap = structuredClone(original);
  const retainKeys = patch['$retainKeys'];
  if (Array.isArray(retainKeys)) {
    for (const k of Object.keys(result)) if (!retainKeys.includes(k)) delete result[k];
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value))
        result[field] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (isMap(value)) {
      const merged = mergeMap(isMap(result[key]) ? result[key] : {}, value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      result[key] = mergeList(key, result[key], value);
    } else {
      result[key] = value;
    }
  }
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith('$setElementOrder/') || !Array.isArray(order)) continue;
    const field = key.slice('$setElementOrder/'.length);
    const list = result[field];
    if (Array.isArray(list)) result[field] = reorder(list, order, MERGE_KEYS[field]);
  }
  return result;
}

function mergeList(field: string, original: unknown, patch: unknown[]): unknown[] {
  const current = Array.isArray(original) ? original : [];
  if (patch.some((e) => isMap(e) && e['$patch'] === 'replace')) {
    return patch.filter((e) => !(isMap(e) && e['$patch'] === 'replace')).map(stripDirectives);
  }
  if (MERGED_PRIMITIVE_LISTS.has(field)) return [...current, ...patch.filter((v) => !current.includes(v))];
  const mergeKey = MERGE_KEYS[field];
  if (!mergeKey) return patch.map(stripDirectives);
  const result = structuredClone(current);
  for (const element of patch) {
    if (!isMap(element))
      throw new PatchError(
        `unable to find api field in struct for the merge key ${mergeKey} in list ${field}`,
      );
    const keyValue = element[mergeKey];
    if (keyValue === undefined)
      throw new PatchError(
        `map: ${JSON.stringify(element)} does not contain declared merge key: ${mergeKey}`,
      );
    const index = result.findIndex((e) => isMap(e) && e[mergeKey] === keyValue);
    if (element['$patch'] === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (index >= 0) {
      const existing = result[index];
      const merged = mergeMap(isMap(existing) ? existing : {}, element);
      if (merged === undefined) result.splice(index, 1);
      else result[index] = merged;
    } else {
      result.push(stripDirectives(element));
    }
  }
  return result;
}

function reorder(list: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const keyOf = (e: unknown): unknown => (mergeKey && isMap(e) ? e[mergeKey] : e);
  const wanted = order.map(keyOf);
  const listed = wanted.flatMap((k) => list.filter((e) => keyOf(e) === k));
  return [...listed, ...list.filter((e) => !wanted.includes(keyOf(e)))];
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isMap(value)) return value;
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue;
    if (v !== null) out[k] = stripDirectives(v);
  }
  return out;
}

function isMap(value: unknown): value is JsonMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
