import type { HelmSection } from '../../../config/strategies/helm-schema.js';

/** `--namespace` and `--kube-context` flags every helm command of this release carries. */
function releaseFlags(helm: HelmSection): string[] {
  return [
    '--namespace',
    helm.namespace,
    ...(helm.kubeContext === undefined ? [] : ['--kube-context', helm.kubeContext]),
  ];
}

export function helmHistoryArgv(helm: HelmSection): string[] {
  return ['helm', 'history', helm.release, ...releaseFlags(helm), '-o', 'json'];
}

export function helmRollbackArgv(helm: HelmSection, revision: number): string[] {
  return [
    'helm',
    'rollback',
    helm.release,
    String(revision),
    ...releaseFlags(helm),
    '--wait',
    '--timeout',
    `${helm.timeout}s`,
  ];
}

export function helmStatusArgv(helm: HelmSection): string[] {
  return ['helm', 'status', helm.release, ...releaseFlags(helm), '-o', 'json'];
}

/** Where helm commands run, as plans show it. */
export function helmTargetLabel(helm: HelmSection): string {
  return `local (helm, ${helm.kubeContext ?? 'current context'}/${helm.namespace})`;
}

/** Read-only helm commands get this long. */
export const HELM_READ_TIMEOUT_MS = 60_000;
