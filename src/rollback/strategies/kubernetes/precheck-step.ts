import { stringify } from 'yaml';
import { checkHealth } from '../../verify/check-health.js';
import type { RollbackStep } from '../../step.js';
import { MEMORY, type KubernetesStepDeps } from './kubernetes-step-deps.js';
import { summarizePods } from './pod-status.js';
import { toLabelSelector } from './label-selector.js';
import { checkTargetPullable } from './pull-check.js';

/** Runbook 2: pre-rollback checks: pods, health, and a YAML backup of the Deployment in job memory. */
export function precheckStep(deps: KubernetesStepDeps): RollbackStep {
  const { target, cluster } = deps;
  return {
    id: 'precheck',
    title: 'Pre-rollback checks',
    async run(ctx) {
      // The pods are listed by the selector this job saw (it cannot change) while the Deployment is read.
      const guess = deps.seen?.selector;
      const listPods = (selector: string) => cluster.listPods(target.namespace, selector, ctx.signal);
      const [deployment, early] = await Promise.all([
        cluster.getDeployment(target.namespace, target.deployment, ctx.signal),
        guess === undefined ? undefined : listPods(guess),
      ]);
      const selector = toLabelSelector(deployment.spec?.selector);
      // The pods, the registry and the health URL are independent reads: asked at once, reported in order.
      const { healthUrl, expectStatus } = ctx.service.verify;
      const [pods, pullable, health] = await Promise.all([
        early !== undefined && selector === guess ? early : listPods(selector),
        checkTargetPullable(deps, deployment.spec?.template?.spec, ctx.signal),
        healthUrl ? checkHealth(healthUrl, expectStatus, { signal: ctx.signal }) : undefined,
      ]);
      if (pullable) await ctx.detail(pullable);
      const podSummary = summarizePods(pods);
      await ctx.detail(`Pods before the rollback: ${podSummary.summary}`);
      for (const line of podSummary.lines.slice(0, 20)) await ctx.detail(line);
      const parts = [podSummary.summary, ...(pullable?.startsWith('Registry:') ? ['image pullable'] : [])];
      if (health) {
        await ctx.detail(
          `Health ${health.url}: ${health.status ?? 'no answer'} (expected ${expectStatus}) in ${health.durationMs} ms${health.ok ? '' : `: ${health.body.slice(0, 200)}`}`,
        );
        parts.push(`health ${health.status ?? 'down'}`);
      }

      const yaml = stringify(JSON.parse(JSON.stringify(deployment)) as unknown);
      await ctx.memory.set(MEMORY.backup, yaml);
      await ctx.detail(
        `Backed up deployment/${target.deployment} (resourceVersion ${deployment.metadata?.resourceVersion ?? '?'}, ` +
          `${yaml.length} bytes of YAML) in the job's memory as ${MEMORY.backup}.`,
      );
      parts.push('backup saved');
      const summary = parts.join(', ');
      await ctx.summary(summary);
      return { summary };
    },
  };
}
