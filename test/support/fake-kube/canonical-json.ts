/**
 * JSON with sorted keys, for comparing objects the way apimachinery's semantic equality does. With
 * `ignoreEmpty`, null, empty maps and empty lists count as absent (Go treats nil and empty alike there).
 */
export function canonicalJson(value: unknown, ignoreEmpty = false): string {
  return JSON.stringify(normalise(value, ignoreEmpty)) ?? 'null';
}

export function semanticallyEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a, true) === canonicalJson(b, true);
}

function normalise(value: unknown, ignoreEmpty: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => normalise(v, ignoreEmpty));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) {
    const v = normalise((value as Record<string, unknown>)[k], ignoreEmpty);
    if (v === undefined) continue;
    if (ignoreEmpty && isEmpty(v)) continue;
    out[k] = v;
  }
  return out;
}

function isEmpty(v: unknown): boolean {
  if (v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}
