import type { EvidenceBundle } from '../bundle/read-bundle.js';
import type { MissingEvidence } from './diff-types.js';

/** The files the diff compares, and the collector that writes each. */
const COMPARED: Record<string, string> = {
  'logs/journald.txt': 'journald',
  'systemd/show.txt': 'systemd',
  'process/snapshot.txt': 'process',
  'hardening/report.txt': 'hardening',
  'version.txt': 'files',
  'kubernetes/deployment.yaml': 'deployment',
  'kubernetes/replicasets.yaml': 'deployment',
  'kubernetes/pods.txt': 'pods',
  'kubernetes/events.txt': 'events',
};
/** Pod logs are compared per container, whatever the pods are called: only "has any" matters here. */
const POD_LOGS = 'kubernetes/logs/';

function comparedPaths(bundle: EvidenceBundle): Set<string> {
  const paths = new Set(bundle.paths.filter((p) => p in COMPARED || p.startsWith('files/')));
  if (bundle.paths.some((p) => p.startsWith(POD_LOGS))) paths.add(POD_LOGS);
  return paths;
}

function collectorOf(path: string): string {
  if (path === POD_LOGS) return 'pod-logs';
  return COMPARED[path] ?? 'files';
}

/** Why `bundle` lacks `path`: its collector failed (with the error), was not run, or hit the size limit. */
function reason(bundle: EvidenceBundle, path: string): string | undefined {
  if (bundle.manifest.omitted.includes(path)) return 'left out: bundle size limit';
  const name = collectorOf(path);
  const record = bundle.manifest.collectors.find((c) => c.name === name);
  if (record === undefined) return `${name} not collected`;
  if (!record.ok) return `${name} failed: ${record.error ?? 'unknown error'}`;
  const warning = record.warnings?.find(
    (w) => path.startsWith('files/') && w.includes(path.slice('files'.length)),
  );
  return warning;
}

/** Files one bundle has and the other lacks: they cannot be compared. */
export function findMissingEvidence(a: EvidenceBundle, b: EvidenceBundle): MissingEvidence[] {
  const inA = comparedPaths(a);
  const inB = comparedPaths(b);
  return [
    ...[...inA]
      .filter((p) => !inB.has(p))
      .map((path): MissingEvidence => ({ path, missingIn: 'b', reason: reason(b, path) })),
    ...[...inB]
      .filter((p) => !inA.has(p))
      .map((path): MissingEvidence => ({ path, missingIn: 'a', reason: reason(a, path) })),
  ];
}
