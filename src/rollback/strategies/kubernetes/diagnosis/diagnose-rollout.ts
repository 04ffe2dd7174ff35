import type { CoreV1Event, V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { describeError } from '../../../../errors/rollback-error.js';
import type { KubernetesCluster } from '../../../ports/kubernetes-cluster.js';
import { POD_TEMPLATE_HASH_LABEL } from '../equal-ignore-hash.js';
import { formatEvents } from '../format-events.js';
import { toLabelSelector } from '../label-selector.js';
import { findNewReplicaSet, revisionOf } from '../replica-set-history.js';
import { PROGRESS_DEADLINE_EXCEEDED } from '../rollout-status.js';
import { rolloutFailureHint } from '../runbook-hints.js';
import { containerProblem, describeContainer, failingPods } from './describe-containers.js';
import { redactLogLine } from './redact-log-line.js';
import type { DiagnosisSection, RolloutDiagnosis } from './rollout-diagnosis.js';

export interface DiagnoseRolloutOptions {
  namespace: string;
  deployment: string;
  /** The kubeconfig context, for the runbook commands in the hint. */
  context?: string;
  /** Log lines per failing container. Default 20. */
  logLines?: number;
  /** Failing pods described in full. Default 3. */
  maxPods?: number;
  /** Events of the Deployment and its new ReplicaSet. Default 10. */
  maxEvents?: number;
  signal?: AbortSignal;
}

/**
 * The runbook's troubleshooting ("Rollback Stuck", "Pods Failing After Rollback") as one read-only pass:
 * the Deployment's conditions, recent events of the Deployment and its new ReplicaSet, the failing pods
 * of the new ReplicaSet with their container states, last termination reason and exit code, restarts,
 * Warning events and the last log lines of each failing container (the previous instance's after a
 * restart). Only reading the Deployment may fail the diagnosis; any other read failure becomes a line.
 */
export async function diagnoseRollout(
  cluster: KubernetesCluster,
  options: DiagnoseRolloutOptions,
): Promise<RolloutDiagnosis> {
  const { namespace, signal } = options;
  const deployment = await cluster.getDeployment(namespace, options.deployment, signal);
  const selector = toLabelSelector(deployment.spec?.selector);
  const [replicaSets, pods] = await Promise.all([
    attempt(() => cluster.listReplicaSets(namespace, selector, signal), [] as V1ReplicaSet[]),
    attempt(() => cluster.listPods(namespace, selector, signal), [] as V1Pod[]),
  ]);
  const newRs = findNewReplicaSet(deployment, replicaSets.value);
  const newPods = newRs ? pods.value.filter((pod) => belongsTo(pod, newRs)) : [];
  const failing = failingPods(newPods);
  const shown = failing.slice(0, options.maxPods ?? 3);
  const [events, perPod] = await Promise.all([
    deploymentEvents(cluster, deployment, newRs, options),
    Promise.all(shown.map((pod) => describePod(cluster, pod, options))),
  ]);
  const sections: DiagnosisSection[] = [
    {
      title: 'Deployment',
      lines: [...deploymentLines(deployment, newRs), ...readProblems([replicaSets, pods])],
    },
    {
      title: `Events of deployment/${options.deployment}${newRs ? ` and its new ReplicaSet` : ''}`,
      lines: events,
    },
    ...perPod.flat(),
  ];
  if (failing.length > shown.length)
    sections.push({
      title: 'More failing pods',
      lines: failing.slice(shown.length).map((p) => p.metadata?.name ?? '?'),
    });
  return {
    headline: headline(deployment, newPods, failing),
    sections,
    hint: rolloutFailureHint(options.deployment, namespace, options.context),
    failingPods: failing.map((p) => p.metadata?.name ?? '?'),
  };
}

type Attempt<T> = { value: T; problem?: string };

async function attempt<T>(read: () => Promise<T>, fallback: T): Promise<Attempt<T>> {
  try {
    return { value: await read() };
  } catch (error) {
    return { value: fallback, problem: describeError(error).message };
  }
}

function readProblems(attempts: Attempt<unknown>[]): string[] {
  return attempts.flatMap((a) => (a.problem ? [`could not read: ${a.problem}`] : []));
}

function belongsTo(pod: V1Pod, replicaSet: V1ReplicaSet): boolean {
  const uid = replicaSet.metadata?.uid;
  if (uid && pod.metadata?.ownerReferences?.some((o) => o.uid === uid)) return true;
  const hash = replicaSet.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL];
  return hash !== undefined && pod.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] === hash;
}

function images(deployment: V1Deployment): string {
  return (deployment.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? '?').join(', ');
}

function headline(deployment: V1Deployment, newPods: V1Pod[], failing: V1Pod[]): string {
  const name = deployment.metadata?.name ?? '?';
  const progressing = deployment.status?.conditions?.find((c) => c.type === 'Progressing');
  const verdict = progressing?.reason === PROGRESS_DEADLINE_EXCEEDED ? 'failed' : 'is stuck';
  const problems = new Map<string, number>();
  for (const pod of failing) {
    const reason =
      (pod.status?.containerStatuses ?? []).map(containerProblem).find(Boolean) ??
      pod.status?.phase ??
      'NotReady';
    problems.set(reason, (problems.get(reason) ?? 0) + 1);
  }
  const why = [...problems].map(([reason, count]) => `${count} ${reason}`).join(', ');
  const ready = newPods.length - failing.length;
  const desired = deployment.spec?.replicas ?? newPods.length;
  return `Rollout of deployment/${name} to ${images(deployment)} ${verdict}: ${ready} of ${desired} new pods ready${why ? ` (${why})` : ''}`;
}

function deploymentLines(deployment: V1Deployment, newRs: V1ReplicaSet | undefined): string[] {
  const s = deployment.status ?? {};
  const lines = [
    `Replicas: ${deployment.spec?.replicas ?? 1} desired | ${s.updatedReplicas ?? 0} updated | ${s.replicas ?? 0} total | ${s.availableReplicas ?? 0} available | ${s.unavailableReplicas ?? 0} unavailable`,
  ];
  for (const c of s.conditions ?? [])
    lines.push(`${c.type} ${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`);
  if (newRs)
    lines.push(
      `New ReplicaSet: ${newRs.metadata?.name ?? '?'} (revision ${revisionOf(newRs) ?? '?'}, ${images(deployment)})`,
    );
  if (deployment.spec?.paused)
    lines.push('The Deployment is paused: no rollout progresses until it is resumed.');
  return lines;
}

async function deploymentEvents(
  cluster: KubernetesCluster,
  deployment: V1Deployment,
  newRs: V1ReplicaSet | undefined,
  options: DiagnoseRolloutOptions,
): Promise<string[]> {
  const { namespace, signal } = options;
  const reads = [
    attempt(
      () => cluster.listEvents(namespace, 'Deployment', deployment.metadata?.name ?? '', signal),
      [] as CoreV1Event[],
    ),
  ];
  if (newRs?.metadata?.name) {
    const rsName = newRs.metadata.name;
    reads.push(
      attempt(() => cluster.listEvents(namespace, 'ReplicaSet', rsName, signal), [] as CoreV1Event[]),
    );
  }
  const results = await Promise.all(reads);
  const events = results.flatMap((r) => r.value).sort((a, b) => eventTime(a) - eventTime(b));
  const lines = formatEvents(events, options.maxEvents ?? 10);
  return [...(lines.length > 0 ? lines : ['No events.']), ...readProblems(results)];
}

async function describePod(
  cluster: KubernetesCluster,
  pod: V1Pod,
  options: DiagnoseRolloutOptions,
): Promise<DiagnosisSection[]> {
  const name = pod.metadata?.name ?? '?';
  const statuses = pod.status?.containerStatuses ?? [];
  const events = await attempt(
    () => cluster.listEvents(options.namespace, 'Pod', name, options.signal),
    [] as CoreV1Event[],
  );
  const warnings = formatEvents(
    events.value.filter((e) => e.type === 'Warning'),
    5,
  );
  const lines = [
    `${pod.status?.phase ?? 'Unknown'}, not ready${pod.spec?.nodeName ? `, on ${pod.spec.nodeName}` : ''}`,
    ...statuses.flatMap(describeContainer),
    ...warnings,
    ...readProblems([events]),
  ];
  const unhealthy = statuses.filter((s) => !s.ready);
  const logs = await Promise.all(
    unhealthy.map((status) =>
      logSection(
        cluster,
        pod,
        status.name,
        status.restartCount ?? 0,
        status.state?.running !== undefined,
        options,
      ),
    ),
  );
  return [{ title: `Pod ${name}`, lines }, ...logs];
}

async function logSection(
  cluster: KubernetesCluster,
  pod: V1Pod,
  container: string,
  restarts: number,
  running: boolean,
  options: DiagnoseRolloutOptions,
): Promise<DiagnosisSection> {
  const name = pod.metadata?.name ?? '?';
  const count = options.logLines ?? 20;
  const previous = restarts > 0;
  const title = `Last ${count} log lines of ${name}/${container}${previous ? ' (previous instance, before its last restart)' : ''}`;
  if (!previous && !running)
    return { title: `Log of ${name}/${container}`, lines: ['No log: the container has not started.'] };
  const log = await attempt(
    () => cluster.readPodLog(options.namespace, name, container, count, options.signal, { previous }),
    '',
  );
  if (log.problem)
    return { title: `Log of ${name}/${container}`, lines: [`Log unavailable: ${log.problem}`] };
  const lines = log.value
    .split('\n')
    .filter((l, i, all) => l !== '' || i < all.length - 1)
    .map(redactLogLine);
  return { title, lines: lines.length > 0 ? lines : ['(empty)'], preformatted: true };
}

function eventTime(event: CoreV1Event): number {
  const value = (event.lastTimestamp ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata?.creationTimestamp) as Date | string | undefined;
  if (value === undefined) return 0;
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(time) ? 0 : time;
}
