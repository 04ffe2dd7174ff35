import type { V1Container, V1PodSpec, V1PodTemplateSpec } from '@kubernetes/client-node';

export type ConfigKind = 'ConfigMap' | 'Secret';

/** A ConfigMap or Secret a pod template uses, and where. */
export interface ConfigReference {
  kind: ConfigKind;
  name: string;
  /** Every use is marked `optional: true` (the pod starts without it). */
  optional: boolean;
  /** `volume config`, `env DB_PASSWORD of container kaizen`, `envFrom of init container migrate`. */
  usedBy: string[];
}

type Use = { kind: ConfigKind; name: string | undefined; optional: boolean | undefined; where: string };

function volumeUses(spec: V1PodSpec): Use[] {
  const uses: Use[] = [];
  for (const volume of spec.volumes ?? []) {
    const where = `volume ${volume.name}`;
    if (volume.configMap)
      uses.push({
        kind: 'ConfigMap',
        name: volume.configMap.name,
        optional: volume.configMap.optional,
        where,
      });
    if (volume.secret)
      uses.push({ kind: 'Secret', name: volume.secret.secretName, optional: volume.secret.optional, where });
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap)
        uses.push({
          kind: 'ConfigMap',
          name: source.configMap.name,
          optional: source.configMap.optional,
          where,
        });
      if (source.secret)
        uses.push({ kind: 'Secret', name: source.secret.name, optional: source.secret.optional, where });
    }
  }
  return uses;
}

function containerUses(container: V1Container, label: string): Use[] {
  const uses: Use[] = [];
  for (const env of container.env ?? []) {
    const where = `env ${env.name} of ${label}`;
    const fromMap = env.valueFrom?.configMapKeyRef;
    const fromSecret = env.valueFrom?.secretKeyRef;
    if (fromMap) uses.push({ kind: 'ConfigMap', name: fromMap.name, optional: fromMap.optional, where });
    if (fromSecret)
      uses.push({ kind: 'Secret', name: fromSecret.name, optional: fromSecret.optional, where });
  }
  for (const source of container.envFrom ?? []) {
    const where = `envFrom of ${label}`;
    if (source.configMapRef)
      uses.push({
        kind: 'ConfigMap',
        name: source.configMapRef.name,
        optional: source.configMapRef.optional,
        where,
      });
    if (source.secretRef)
      uses.push({ kind: 'Secret', name: source.secretRef.name, optional: source.secretRef.optional, where });
  }
  return uses;
}

/**
 * The ConfigMaps and Secrets a pod template references, in volumes (projected ones included), `env`
 * `valueFrom` and `envFrom` of its containers, init containers and ephemeral containers: one entry per
 * object, in the order first used. imagePullSecrets are not listed (they hold registry access, not the
 * application's configuration).
 */
export function referencedConfig(template: V1PodTemplateSpec | V1PodSpec | undefined): ConfigReference[] {
  const spec: V1PodSpec | undefined =
    template && 'containers' in template ? template : (template as V1PodTemplateSpec | undefined)?.spec;
  if (!spec) return [];
  const uses = [
    ...volumeUses(spec),
    ...(spec.initContainers ?? []).flatMap((c) => containerUses(c, `init container ${c.name}`)),
    ...spec.containers.flatMap((c) => containerUses(c, `container ${c.name}`)),
    ...(spec.ephemeralContainers ?? []).flatMap((c) =>
      containerUses(c as V1Container, `ephemeral container ${c.name}`),
    ),
  ];
  const byKey = new Map<string, ConfigReference>();
  for (const use of uses) {
    if (!use.name) continue;
    const key = `${use.kind}/${use.name}`;
    const existing = byKey.get(key);
    if (existing) {
      existing.optional &&= use.optional === true;
      if (!existing.usedBy.includes(use.where)) existing.usedBy.push(use.where);
    } else {
      byKey.set(key, {
        kind: use.kind,
        name: use.name,
        optional: use.optional === true,
        usedBy: [use.where],
      });
    }
  }
  return [...byKey.values()];
}
