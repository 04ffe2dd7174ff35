import {
  HOST_COLLECTOR_NAMES,
  KUBERNETES_COLLECTOR_NAMES,
  evidenceSectionSchema,
  type EvidenceCollectorName,
} from '../config/evidence-schema.js';
import type { ServiceConfig, StrategyName } from '../config/service-schema.js';
import type { HostSpec } from '../rollback/ports/command-runner.js';
import { resolveHostRollout } from '../rollback/strategies/host/host-rollout.js';
import type { BundleLimits } from './bundle/bundle-limits.js';

export type EvidenceTargetSpec =
  | { kind: 'host'; hosts: HostSpec[]; unit: string | undefined; sudo: boolean }
  | { kind: 'kubernetes'; context: string | undefined; namespace: string; deployment: string };

/** A service's `evidence:` section with every default filled in for one strategy's target. */
export interface EvidenceSettings {
  enabled: boolean;
  target: EvidenceTargetSpec;
  /** The collectors to run, only those that apply to the target, in a stable order. */
  collectors: EvidenceCollectorName[];
  logLines: number;
  sinceSeconds: number;
  files: string[];
  versionFile: string | undefined;
  timeoutMs: number;
  limits: BundleLimits;
}

/**
 * What to collect for a service rolled back with `strategy` (default: its default strategy). Kubernetes and
 * helm services get the Kubernetes collectors (helm: the Deployment named like the release unless
 * `evidence.kubernetes.deployment` says otherwise); host strategies get the host collectors on every host
 * of `hosts:`, with the strategy section's unit and sudo unless `evidence:` overrides them.
 */
export function resolveEvidenceSettings(
  service: ServiceConfig,
  strategy: StrategyName = service.strategy,
): EvidenceSettings {
  const section = service.evidence ?? evidenceSectionSchema.parse({});
  const target = evidenceTarget(service, strategy);
  const applicable: readonly EvidenceCollectorName[] =
    target.kind === 'kubernetes' ? KUBERNETES_COLLECTOR_NAMES : HOST_COLLECTOR_NAMES;
  const wanted =
    section.collectors ??
    defaultCollectors(target, section.files.length > 0 || section.versionFile !== undefined);
  return {
    enabled: section.enabled,
    target,
    collectors: applicable.filter((name) => wanted.includes(name)),
    logLines: section.logLines,
    sinceSeconds: section.since,
    files: section.files,
    versionFile: section.versionFile,
    timeoutMs: section.timeout * 1000,
    limits: { fileBytes: section.limits.fileSize, bundleBytes: section.limits.bundleSize },
  };
}

function defaultCollectors(target: EvidenceTargetSpec, hasFiles: boolean): readonly EvidenceCollectorName[] {
  if (target.kind === 'kubernetes') return KUBERNETES_COLLECTOR_NAMES;
  const unitCollectors = target.unit === undefined ? [] : HOST_COLLECTOR_NAMES.filter((n) => n !== 'files');
  return [...unitCollectors, ...(hasFiles ? (['files'] as const) : [])];
}

function evidenceTarget(service: ServiceConfig, strategy: StrategyName): EvidenceTargetSpec {
  const override = service.evidence?.kubernetes;
  if (strategy === 'kubernetes' || strategy === 'helm') {
    const k8s = service.kubernetes;
    const helm = service.helm;
    return {
      kind: 'kubernetes',
      context: override?.context ?? k8s?.context ?? helm?.kubeContext,
      namespace: override?.namespace ?? (strategy === 'helm' ? helm?.namespace : k8s?.namespace) ?? 'default',
      deployment:
        override?.deployment ?? (strategy === 'helm' ? helm?.release : k8s?.deployment) ?? service.name,
    };
  }
  const section = service[strategy] as { unit?: string; sudo?: boolean } | undefined;
  return {
    kind: 'host',
    hosts: resolveHostRollout(service).hosts,
    unit: service.evidence?.unit ?? section?.unit,
    sudo: service.evidence?.sudo ?? section?.sudo ?? false,
  };
}
