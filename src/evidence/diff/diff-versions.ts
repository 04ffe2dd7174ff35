import { parse as parseYaml, parseAllDocuments } from 'yaml';
import type { EvidenceBundle } from '../bundle/read-bundle.js';
import type { ValueChange } from './diff-types.js';

export const DEPLOYMENT_FILE = 'kubernetes/deployment.yaml';
export const REPLICA_SETS_FILE = 'kubernetes/replicasets.yaml';
export const VERSION_FILE = 'version.txt';
const REVISION = 'deployment.kubernetes.io/revision';

interface WorkloadShape {
  metadata?: { annotations?: Record<string, string> };
  spec?: { replicas?: number; template?: { spec?: { containers?: { name?: string; image?: string }[] } } };
  status?: { replicas?: number };
}

function parseOne(text: string | undefined): WorkloadShape | undefined {
  if (text === undefined) return undefined;
  try {
    return (parseYaml(text) ?? undefined) as WorkloadShape | undefined;
  } catch {
    return undefined;
  }
}

/** Images of the Deployment's containers by name. */
function images(deployment: WorkloadShape | undefined): Map<string, string> {
  return new Map(
    (deployment?.spec?.template?.spec?.containers ?? []).map(
      (c) => [c.name ?? '?', c.image ?? '?'] as [string, string],
    ),
  );
}

/** The revision and images of the ReplicaSet that has pods (the one serving), if any. */
function servingReplicaSet(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const sets = parseAllDocuments(text).map((d) => d.toJS() as WorkloadShape);
    const serving = sets.filter((rs) => (rs.spec?.replicas ?? 0) > 0);
    if (serving.length === 0) return undefined;
    return serving
      .map((rs) => `${rs.metadata?.annotations?.[REVISION] ?? '?'} (${[...images(rs).values()].join(', ')})`)
      .join(' + ');
  } catch {
    return undefined;
  }
}

/**
 * What runs: the Deployment's container images, the version file of a host, the version the caller named.
 * Revision numbers are shown but do not count: a rollback always makes a new revision of an old template.
 */
export function diffVersions(a: EvidenceBundle, b: EvidenceBundle): ValueChange[] {
  const changes: ValueChange[] = [];
  const change = (what: string, from: string | undefined, to: string | undefined, significant = true) => {
    if (from !== to) changes.push({ area: 'versions', what, from, to, significant });
  };
  if (a.manifest.version !== undefined && b.manifest.version !== undefined) {
    change('version', a.manifest.version, b.manifest.version);
  }
  if (a.has(VERSION_FILE) && b.has(VERSION_FILE)) {
    change('version file', a.text(VERSION_FILE)?.trim(), b.text(VERSION_FILE)?.trim());
  }
  const was = parseOne(a.text(DEPLOYMENT_FILE));
  const now = parseOne(b.text(DEPLOYMENT_FILE));
  if (was !== undefined && now !== undefined) {
    const wasImages = images(was);
    const nowImages = images(now);
    for (const name of new Set([...wasImages.keys(), ...nowImages.keys()])) {
      change(`image of container ${name}`, wasImages.get(name), nowImages.get(name));
    }
    change(
      'Deployment revision',
      was.metadata?.annotations?.[REVISION],
      now.metadata?.annotations?.[REVISION],
      false,
    );
    change('replicas', was.spec?.replicas?.toString(), now.spec?.replicas?.toString());
  }
  if (a.has(REPLICA_SETS_FILE) && b.has(REPLICA_SETS_FILE)) {
    change(
      'serving ReplicaSet revision',
      servingReplicaSet(a.text(REPLICA_SETS_FILE)),
      servingReplicaSet(b.text(REPLICA_SETS_FILE)),
      false,
    );
  }
  return changes;
}
