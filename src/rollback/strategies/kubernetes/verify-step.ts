import { PermanentError, RetryableError, CancelledError } from '../../../errors/rollback-error.js';
import type { RollbackStep, StepContext } from '../../step.js';
import { checkHealth } from '../../verify/check-health.js';
import { runSmokeTest } from '../../verify/run-smoke-test.js';
import { POD_TEMPLATE_HASH_LABEL } from './equal-ignore-hash.js';
import type { KubernetesStepDeps } from './kubernetes-step-deps.js';
import { describePod, isPodReady } from './pod-status.js';
import { readDeploymentState, type DeploymentState } from './read-deployment-state.js';
import { describeTarget, isAtTarget } from './target-state.js';
import { runMonitoringChecks } from '../../verify/run-monitoring-checks.js';
import { verificationFailureHint } from './runbook-hints.js';
import type { V1Pod } from '@kubernetes/client-node';
import { recordPodDigests } from './plan-digests.js';
import { recordRunningConfig } from './config-drift/plan-config-drift.js';
import { RollbackError } from '../../../errors/rollback-error.js';

const LOG_LINES = 100;
const MAX_MATCHES_PER_POD = 10;

/** Runbook 4: pods of the new ReplicaSet running and ready, health, error logs, smoke tests. */
export function verifyStep(deps: KubernetesStepDeps): RollbackStep {
  const { target, cluster } = deps;
  return {
    id: 'verify',
    title: 'Post-rollback verification',
    async run(ctx) {
      const failures: string[] = [];
      const details: string[] = [];
      const parts: string[] = [];
      // The Deployment's pods are listed by the selector this job saw while the Deployment is read.
      const guess = deps.seen?.selector;
      const [state, early] = await Promise.all([
        readDeploymentState(cluster, target, ctx.signal, deps.seen),
        guess === undefined ? undefined : cluster.listPods(target.namespace, guess, ctx.signal),
      ]);
      if (!isAtTarget(target, state)) throw changedSince(deps, state);
      const hash = state.newReplicaSet?.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL];
      const pods = hash
        ? await podsOf(deps, state, hash, early && state.selector === guess ? early : undefined, ctx.signal)
        : [];
      const ready = pods.filter(isPodReady);
      for (const pod of pods) await ctx.detail(describePod(pod));
      await recordDigests(deps, ctx, ready, state);
      parts.push(`${ready.length}/${pods.length} pods ready`);
      if (pods.length === 0 || ready.length < pods.length) {
        failures.push(
          `${ready.length}/${pods.length} pods of ReplicaSet ${state.newReplicaSet?.metadata?.name ?? '?'} running and ready`,
        );
        details.push(...pods.filter((p) => !isPodReady(p)).map(describePod));
      }

      const { healthUrl, expectStatus, logErrorPattern, smoke } = ctx.service.verify;
      if (healthUrl) {
        const health = await checkHealth(healthUrl, expectStatus, { signal: ctx.signal });
        const line = `Health ${health.url}: ${health.status ?? 'no answer'} (expected ${expectStatus})`;
        await ctx.detail(health.ok ? line : `${line}: ${health.body.slice(0, 200)}`);
        parts.push(`health ${health.status ?? 'down'}`);
        if (!health.ok) failures.push(line);
      }

      if (logErrorPattern) {
        const matches = await errorLogLines(deps, ctx, pods, new RegExp(logErrorPattern));
        for (const line of matches) await ctx.detail(line);
        parts.push(matches.length === 0 ? 'no error logs' : `${matches.length} error log lines`);
        if (matches.length > 0) {
          failures.push(`${matches.length} log lines match ${logErrorPattern}`);
          details.push(...matches);
        }
      }

      if (smoke) {
        const result = await runSmokeTest(deps.commandRunner, smoke, ctx.signal);
        const line = `Smoke test ${smoke.command.join(' ')}: ${result.ok ? 'passed' : `failed (exit ${result.result.exitCode}${result.result.timedOut ? ', timed out' : ''})`}`;
        await ctx.detail(result.tail ? `${line}\n${result.tail}` : line);
        parts.push(result.ok ? 'smoke passed' : 'smoke failed');
        if (!result.ok) {
          failures.push(line);
          details.push(result.tail);
        }
      }

      const monitoring = await runMonitoringChecks(deps.monitoring, ctx.service.verify, ctx.signal);
      for (const line of monitoring.details) await ctx.detail(line);
      parts.push(...monitoring.parts);
      failures.push(...monitoring.failures);

      const summary = parts.join(', ');
      await ctx.summary(summary);
      if (failures.length > 0) {
        throw new PermanentError('verification_failed', `Verification failed: ${failures.join('; ')}.`, {
          hint: verificationFailureHint(target.namespace, target.context),
          details,
        });
      }
      await recordConfig(deps, ctx, state);
      return { summary };
    },
  };
}

/** The pods of the new ReplicaSet: those listed by the Deployment's selector with its hash, else asked for. */
async function podsOf(
  deps: KubernetesStepDeps,
  state: DeploymentState,
  hash: string,
  listed: V1Pod[] | undefined,
  signal: AbortSignal,
): Promise<V1Pod[]> {
  if (listed) return listed.filter((pod) => pod.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] === hash);
  const selector = `${state.selector},${POD_TEMPLATE_HASH_LABEL}=${hash}`;
  return deps.cluster.listPods(deps.target.namespace, selector, signal);
}

/**
 * Someone changed the Deployment after the rollback was applied (a resumed job finds it so, or a deploy
 * raced the rollout): verifying it would verify someone else's change.
 */
function changedSince(deps: KubernetesStepDeps, state: DeploymentState): PermanentError {
  const now = state.image ?? 'another template';
  return new PermanentError(
    'deployment_changed',
    `deployment/${deps.target.deployment} is no longer at the rollback's target (${describeTarget(deps.target)}): it now runs ${now}. Someone changed it since the rollback was applied; nothing was verified.`,
    {
      hint: `See who changed it (kubectl rollout history deployment/${deps.target.deployment} -n ${deps.target.namespace}) and start a new rollback if needed.`,
    },
  );
}

/** The last 100 log lines of each pod's container that match the pattern, as "pod: line". */
async function errorLogLines(
  deps: KubernetesStepDeps,
  ctx: StepContext,
  pods: readonly V1Pod[],
  pattern: RegExp,
): Promise<string[]> {
  const lines: string[] = [];
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '?';
    let log: string;
    try {
      log = await deps.cluster.readPodLog(
        deps.target.namespace,
        name,
        deps.target.container,
        LOG_LINES,
        ctx.signal,
      );
    } catch (error) {
      if (
        error instanceof RetryableError ||
        error instanceof CancelledError ||
        !(error instanceof PermanentError)
      )
        throw error;
      await ctx.detail(`Cannot read the log of ${name}: ${error.message}`);
      continue;
    }
    const matching = log.split('\n').filter((line) => line !== '' && pattern.test(line));
    lines.push(...matching.slice(0, MAX_MATCHES_PER_POD).map((line) => `${name}: ${line}`));
  }
  return lines;
}

/** What the rolled-back pods run, by digest, for the next rollback to compare with. Never fails the step. */
async function recordDigests(
  deps: KubernetesStepDeps,
  ctx: StepContext,
  ready: V1Pod[],
  state: DeploymentState,
): Promise<void> {
  if (!deps.digests || ready.length === 0) return;
  try {
    await recordPodDigests(deps.digests, ready, state.replicaSets, deps.target.container);
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    const message = error instanceof RollbackError ? error.message : String(error);
    await ctx.detail(`The image digests could not be recorded: ${message}`);
  }
}

/** What the rolled-back version's ConfigMaps and Secrets hold now, for the next plan. Never fails the step. */
async function recordConfig(
  deps: KubernetesStepDeps,
  ctx: StepContext,
  state: DeploymentState,
): Promise<void> {
  if (!deps.configs) return;
  try {
    await recordRunningConfig(
      deps.cluster,
      deps.configs,
      deps.target.namespace,
      { image: state.image, revision: state.revision, template: state.deployment.spec?.template },
      ctx.signal,
    );
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    const message = error instanceof RollbackError ? error.message : String(error);
    await ctx.detail(`The ConfigMaps and Secrets it runs with could not be recorded: ${message}`);
  }
}
