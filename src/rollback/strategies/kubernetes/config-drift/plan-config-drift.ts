import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import { CancelledError, RollbackError } from '../../../../errors/rollback-error.js';
import type { KubernetesCluster } from '../../../ports/kubernetes-cluster.js';
import type { RanConfigs } from '../../../ports/ran-configs.js';
import { imageTag } from '../describe-image.js';
import { compareConfigFingerprints } from './compare-config-fingerprints.js';
import { readConfigFingerprints, type ConfigFingerprint } from './read-config-fingerprints.js';
import { referencedConfig } from './referenced-config.js';

export interface ConfigRecording {
  configs: RanConfigs;
  service: string;
  /** The bot's key for content hashes of Secrets (absent: Secrets are compared by resourceVersion). */
  key?: string;
  now?: () => Date;
}

/** A version of the Deployment: its image, its revision (when known) and its pod template. */
export interface TemplateVersion {
  image: string | undefined;
  revision?: number | undefined;
  template: V1PodTemplateSpec | undefined;
}

function fingerprintsOf(
  cluster: KubernetesCluster,
  recording: ConfigRecording,
  namespace: string,
  template: V1PodTemplateSpec | undefined,
  signal: AbortSignal | undefined,
): Promise<ConfigFingerprint[]> {
  return readConfigFingerprints(cluster, namespace, template, {
    ...(recording.key === undefined ? {} : { key: recording.key }),
    ...(signal ? { signal } : {}),
  });
}

/** Records what the ConfigMaps and Secrets of a running version hold now (nothing for a template without any). */
export async function recordRunningConfig(
  cluster: KubernetesCluster,
  recording: ConfigRecording,
  namespace: string,
  running: TemplateVersion,
  signal?: AbortSignal,
): Promise<ConfigFingerprint[]> {
  const fingerprints = await fingerprintsOf(cluster, recording, namespace, running.template, signal);
  if (running.image === undefined || fingerprints.length === 0) return fingerprints;
  await recording.configs.record(recording.service, {
    image: running.image,
    ...(running.revision === undefined ? {} : { revision: running.revision }),
    seenAt: (recording.now?.() ?? new Date()).toISOString(),
    fingerprints,
  });
  return fingerprints;
}

const describe = (f: ConfigFingerprint): string => `${f.kind} ${f.name}`;

/**
 * The plan's config drift: records what the running version's ConfigMaps and Secrets hold, then compares
 * the ones the target's template references with what they held when the target last ran. One line per
 * changed, deleted or created object; a line naming the objects the bot has no record of; nothing when
 * the target references none. A failure to read is said as a warning too: it never blocks the plan.
 */
export async function planConfigDrift(
  cluster: KubernetesCluster,
  recording: ConfigRecording,
  namespace: string,
  versions: { current: TemplateVersion; target: TemplateVersion },
  signal?: AbortSignal,
): Promise<string[]> {
  const { current, target } = versions;
  try {
    const running = await recordRunningConfig(cluster, recording, namespace, current, signal);
    // The same references (an image rollback, or an undo to a template that uses the same objects in the
    // same places): what was just read is what the target will use, so nothing is read twice.
    const sameReferences =
      target.template === current.template ||
      JSON.stringify(referencedConfig(target.template)) ===
        JSON.stringify(referencedConfig(current.template));
    const now = sameReferences
      ? running
      : await fingerprintsOf(cluster, recording, namespace, target.template, signal);
    if (now.length === 0) return [];
    const label = imageTag(target.image);
    const ran = target.image ? await recording.configs.lastRan(recording.service, target.image) : undefined;
    if (!ran)
      return [
        `Config drift not known: the bot has no record of what ${now.map(describe).join(', ')} held when ${label} last ran. Check that they still fit ${label}.`,
      ];
    const recorded = new Set(ran.fingerprints.map(describe));
    const unrecorded = now.filter((f) => !recorded.has(describe(f)));
    return [
      ...compareConfigFingerprints(ran.fingerprints, now, label).map(
        (d) => `${d.line}: it may not fit ${label} (recorded ${ran.seenAt}).`,
      ),
      ...(unrecorded.length > 0
        ? [
            `Config drift not known for ${unrecorded.map(describe).join(', ')}: not referenced when ${label} last ran.`,
          ]
        : []),
    ];
  } catch (error) {
    if (error instanceof CancelledError || signal?.aborted) throw error;
    const message = error instanceof RollbackError ? error.message : String(error);
    return [`ConfigMaps and Secrets not compared with what ${imageTag(target.image)} ran with: ${message}`];
  }
}
