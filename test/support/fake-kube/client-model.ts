/**
 * Wire JSON to the shapes @kubernetes/client-node hands out: its models carry metav1.Time fields as Date
 * objects, so the fake's inspection methods convert those (and only those) the same way.
 */
const TIME_FIELDS = new Set([
  'creationTimestamp',
  'deletionTimestamp',
  'lastUpdateTime',
  'lastTransitionTime',
  'lastProbeTime',
  'startedAt',
  'finishedAt',
  'startTime',
  'firstTimestamp',
  'lastTimestamp',
  'eventTime',
  'time',
]);

/** String maps whose keys are user data, never field names. */
const OPAQUE_MAPS = new Set(['labels', 'annotations', 'matchLabels', 'nodeSelector', 'data']);

export function toClientModel<T>(wire: unknown): T {
  return convert(wire) as T;
}

function convert(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v));
  if (key !== undefined && OPAQUE_MAPS.has(key)) return structuredClone(value);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, k)]));
  }
  if (typeof value === 'string' && key !== undefined && TIME_FIELDS.has(key)) return new Date(value);
  return value;
}
