import { PermanentError } from '../../../errors/rollback-error.js';
import type { RollbackStep } from '../../step.js';
import { diagnoseRollout } from './diagnosis/diagnose-rollout.js';
import { formatDiagnosis } from './diagnosis/format-diagnosis.js';
import { formatEvents } from './format-events.js';
import type { KubernetesStepDeps } from './kubernetes-step-deps.js';
import { readDeploymentState } from './read-deployment-state.js';
import { rolloutFailureHint } from './runbook-hints.js';
import { waitForRollout } from './wait-for-rollout.js';

function duration(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/** Runbook 3 (monitor): `kubectl rollout status` until done, ProgressDeadlineExceeded or rolloutTimeout. */
export function monitorStep(deps: KubernetesStepDeps, rolloutTimeoutSeconds: number): RollbackStep {
  const { target, cluster } = deps;
  return {
    id: 'monitor',
    title: 'Monitor rollout',
    async run(ctx) {
      const result = await waitForRollout({
        cluster,
        namespace: target.namespace,
        name: target.deployment,
        timeoutMs: rolloutTimeoutSeconds * 1000,
        pollIntervalMs: deps.pollIntervalMs,
        signal: ctx.signal,
        log: ctx.log,
        onStatus: async (status) => {
          await ctx.detail(status.message);
          await ctx.summary(status.summary);
        },
      });
      if (result.outcome === 'done') {
        await ctx.summary(result.status.summary);
        return { summary: result.status.summary };
      }
      const diagnosis = await diagnosisText(deps, ctx.signal);
      if (diagnosis !== undefined) await ctx.detail(diagnosis);
      const events = await recentEvents(deps, ctx.signal);
      const hint = rolloutFailureHint(target.deployment, target.namespace, target.context);
      if (result.outcome === 'failed') {
        throw new PermanentError('rollout_failed', `${result.status.message} (${result.status.summary}).`, {
          hint,
          details: events,
        });
      }
      throw new PermanentError(
        'rollout_timeout',
        `deployment "${target.deployment}" did not finish rolling out within ${duration(rolloutTimeoutSeconds)}: ${result.status.message}`,
        { hint, details: events },
      );
    },
  };
}

/**
 * The runbook's troubleshooting in one thread message: events, failing pods with container states, last
 * termination reasons and last log lines. A diagnosis that cannot be made is left out (the failure itself
 * is still reported); a cancel is not swallowed.
 */
async function diagnosisText(deps: KubernetesStepDeps, signal: AbortSignal): Promise<string | undefined> {
  const { cluster, target } = deps;
  try {
    const diagnosis = await diagnoseRollout(cluster, {
      namespace: target.namespace,
      deployment: target.deployment,
      ...(target.context ? { context: target.context } : {}),
      logLines: 10,
      signal,
    });
    return formatDiagnosis(diagnosis);
  } catch (error) {
    if (signal.aborted) throw error;
    return undefined;
  }
}

/** The Deployment's recent events and those of its new ReplicaSet (where pod creation failures show). */
async function recentEvents(deps: KubernetesStepDeps, signal: AbortSignal): Promise<string[]> {
  const { cluster, target } = deps;
  const state = await readDeploymentState(cluster, target, signal);
  const events = await cluster.listEvents(target.namespace, 'Deployment', target.deployment, signal);
  const rsName = state.newReplicaSet?.metadata?.name;
  const rsEvents = rsName ? await cluster.listEvents(target.namespace, 'ReplicaSet', rsName, signal) : [];
  return [...formatEvents(events), ...formatEvents(rsEvents)];
}
