import type { EvidenceCollectorName } from '../config/evidence-schema.js';
import type { CommandRunner } from '../rollback/ports/command-runner.js';
import type { KubernetesCluster } from '../rollback/ports/kubernetes-cluster.js';
import type { EvidenceCollector } from './collectors/evidence-collector.js';
import { filesCollector } from './collectors/host/files-collector.js';
import type { HostEvidenceTarget } from './collectors/host/host-command.js';
import { journaldCollector } from './collectors/host/journald-collector.js';
import { processCollector, type ProcessCollectorOptions } from './collectors/host/process-collector.js';
import { hardeningCollector, systemdCollector } from './collectors/host/systemd-collector.js';
import { deploymentCollector } from './collectors/kubernetes/deployment-collector.js';
import { eventsCollector } from './collectors/kubernetes/events-collector.js';
import { deploymentViewLoader } from './collectors/kubernetes/kubernetes-source.js';
import { podLogsCollector } from './collectors/kubernetes/pod-logs-collector.js';
import { podsCollector } from './collectors/kubernetes/pods-collector.js';
import type { EvidenceSettings } from './evidence-settings.js';

/** The host collectors the settings ask for, reading through one host's runner. */
export function hostCollectors(
  settings: EvidenceSettings,
  runner: CommandRunner,
  options: ProcessCollectorOptions = {},
): EvidenceCollector[] {
  if (settings.target.kind !== 'host') return [];
  const target: HostEvidenceTarget = { runner, unit: settings.target.unit, sudo: settings.target.sudo };
  const make: Partial<Record<EvidenceCollectorName, () => EvidenceCollector>> = {
    journald: () =>
      journaldCollector(target, { lines: settings.logLines, sinceSeconds: settings.sinceSeconds }),
    systemd: () => systemdCollector(target),
    process: () => processCollector(target, options),
    hardening: () => hardeningCollector(target),
    files: () =>
      filesCollector(target, {
        files: settings.files,
        versionFile: settings.versionFile,
        maxBytes: settings.limits.fileBytes,
      }),
  };
  return settings.collectors.flatMap((name) => make[name]?.() ?? []);
}

/** The Kubernetes collectors the settings ask for; they share one read of the Deployment, ReplicaSets and pods. */
export function kubernetesCollectors(
  settings: EvidenceSettings,
  cluster: KubernetesCluster,
): EvidenceCollector[] {
  if (settings.target.kind !== 'kubernetes') return [];
  const { namespace, deployment } = settings.target;
  const load = deploymentViewLoader({ cluster, namespace, deployment });
  const make: Partial<Record<EvidenceCollectorName, () => EvidenceCollector>> = {
    deployment: () => deploymentCollector(load),
    pods: () => podsCollector(load),
    events: () => eventsCollector(cluster, namespace, load),
    'pod-logs': () => podLogsCollector(cluster, namespace, settings.logLines, load),
  };
  return settings.collectors.flatMap((name) => make[name]?.() ?? []);
}
