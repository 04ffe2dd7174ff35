import type { ServiceConfig, StrategyName } from '../config/service-schema.js';
import type { CommandRunnerFactory } from '../rollback/ports/command-runner.js';
import { InputError } from '../errors/rollback-error.js';
import type { KubernetesCluster, KubernetesClusterFactory } from '../rollback/ports/kubernetes-cluster.js';
import { hostCollectors, kubernetesCollectors } from './build-collectors.js';
import type { BundleLimits } from './bundle/bundle-limits.js';
import { LABEL_PATTERN, type BundleSubject } from './bundle/bundle-manifest.js';
import { writeBundle, type WrittenBundle } from './bundle/write-bundle.js';
import type { ProcessCollectorOptions } from './collectors/host/process-collector.js';
import type { EvidenceCollector } from './collectors/evidence-collector.js';
import { runCollectors } from './collectors/run-collectors.js';
import { resolveEvidenceSettings } from './evidence-settings.js';

export interface CollectEvidenceOptions {
  subject: BundleSubject;
  collectors: readonly EvidenceCollector[];
  /** Per collector. */
  timeoutMs: number;
  limits: BundleLimits;
  signal?: AbortSignal;
  now?: Date;
}

/** Runs the collectors (each with its time limit; failures recorded, not thrown) and writes one bundle. */
export async function collectEvidence(options: CollectEvidenceOptions): Promise<WrittenBundle> {
  const now = options.now ?? new Date();
  const collected = await runCollectors(options.collectors, {
    timeoutMs: options.timeoutMs,
    now,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return writeBundle({
    subject: options.subject,
    takenAt: now,
    collectors: collected.records,
    files: collected.files,
    limits: options.limits,
  });
}

/** How evidence reaches its targets: the same ports the strategies use. */
export interface EvidenceDeps {
  runners: CommandRunnerFactory;
  clusters: KubernetesClusterFactory;
  /** Tests point the process collector at their own cgroup files. */
  process?: ProcessCollectorOptions;
}

export interface TakeBundlesRequest {
  service: ServiceConfig;
  /** The strategy whose target is captured; default the service's. */
  strategy?: StrategyName;
  label: string;
  jobId?: string;
  /** The version running now, when the caller knows it. */
  version?: string;
  signal?: AbortSignal;
  now?: Date;
}

/**
 * Takes the service's evidence as its `evidence:` section says: one bundle for a Kubernetes target, one per
 * host for host strategies (hosts in parallel). Returns [] when the section says `enabled: false`. Never
 * throws for a failing collector; throws CancelledError when `signal` aborts.
 */
export async function takeEvidenceBundles(
  request: TakeBundlesRequest,
  deps: EvidenceDeps,
): Promise<WrittenBundle[]> {
  if (!LABEL_PATTERN.test(request.label)) {
    throw new InputError('evidence_bad_label', `"${request.label.slice(0, 60)}" is not a bundle label`, {
      hint: 'Use lowercase letters, digits and dashes, like pre-deploy, broken or post-rollback.',
    });
  }
  const settings = resolveEvidenceSettings(request.service, request.strategy);
  if (!settings.enabled) return [];
  const base = {
    service: request.service.name,
    label: request.label,
    ...(request.jobId === undefined ? {} : { jobId: request.jobId }),
    ...(request.version === undefined ? {} : { version: request.version }),
  };
  const common = {
    timeoutMs: settings.timeoutMs,
    limits: settings.limits,
    ...(request.signal ? { signal: request.signal } : {}),
    now: request.now ?? new Date(),
  };
  const target = settings.target;
  if (target.kind === 'kubernetes') {
    let cluster: KubernetesCluster | undefined;
    let collectors: EvidenceCollector[];
    try {
      cluster = deps.clusters(target.context);
      collectors = kubernetesCollectors(settings, cluster);
    } catch (error) {
      // No client (kubeconfig, context): every collector is recorded as failed with the reason.
      collectors = settings.collectors.map((name) => failingCollector(name, error));
    }
    const where = cluster?.description ?? target.context ?? 'current context';
    const subject: BundleSubject = {
      ...base,
      target: {
        kind: 'kubernetes',
        cluster: where,
        namespace: target.namespace,
        deployment: target.deployment,
      },
    };
    return [await collectEvidence({ ...common, subject, collectors })];
  }
  return Promise.all(
    target.hosts.map((host) =>
      collectEvidence({
        ...common,
        subject: {
          ...base,
          target: { kind: 'host', host: host.name, ...(target.unit ? { unit: target.unit } : {}) },
        },
        collectors: hostCollectors(settings, deps.runners(host), deps.process),
      }),
    ),
  );
}

function failingCollector(name: string, error: unknown): EvidenceCollector {
  return {
    name,
    collect: () => Promise.reject(error instanceof Error ? error : new Error(String(error))),
  };
}
