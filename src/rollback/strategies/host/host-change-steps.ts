import { PermanentError, RetryableError, RollbackError } from '../../../errors/rollback-error.js';
import type { CommandRunnerFactory, HostSpec } from '../../ports/command-runner.js';
import type { RollbackStep, StepContext, StepOutcome } from '../../step.js';
import { forEachHost } from './for-each-host.js';
import type { HostRollout } from './host-rollout.js';
import {
  hostChangeMemorySchema,
  hostMemoryKey,
  type HostChangeMemory,
  type HostChangeTool,
  type HostTarget,
} from './host-change.js';

export interface HostChangeStepsOptions<T extends HostTarget> {
  tool: HostChangeTool<T>;
  rollout: HostRollout;
  targets: T[];
  runnerFactory: CommandRunnerFactory;
}

/**
 * identify, precheck and the change for a host strategy. The change goes `rollout.parallel` hosts at a time
 * (default one) and stops at the first failure; each host is checked first and skipped when already at the
 * target (a resumed job changes nothing twice); what was done is recorded in the job's memory.
 */
export function hostChangeSteps<T extends HostTarget>(options: HostChangeStepsOptions<T>): RollbackStep[] {
  const { tool } = options;
  const pairs = options.targets.map((target) => ({
    target,
    host: hostFor(options.rollout.hosts, target.host),
  }));
  return [
    {
      id: 'identify',
      title: 'Identify the current version on each host',
      async run(ctx) {
        const seen: string[] = [];
        for (const { host, target } of pairs) {
          const current = await tool.readVersion(options.runnerFactory(host), host, ctx.signal);
          seen.push(`${host.name}: ${current ?? 'none'}`);
          await ctx.detail(
            `${host.name}: ${current ?? 'none'} now (planned from ${target.from ?? 'none'}) → ${tool.targetLabel}`,
          );
        }
        return { summary: seen.join(', ') };
      },
    },
    {
      id: 'precheck',
      title: 'Check every host can make the change',
      async run(ctx) {
        for (const { host, target } of pairs) {
          await ctx.detail(
            `${host.name}: ${await tool.precheck(options.runnerFactory(host), host, target, ctx.signal)}`,
          );
        }
        return { summary: `${pairs.length} host(s) ready` };
      },
    },
    {
      id: 'change',
      // A change half-applied by a cancel would leave the host in an unknown state: let it finish.
      interruptible: false,
      title: `Roll back to ${tool.targetLabel} on each host`,
      run: (ctx) => changeHosts(options, pairs, ctx),
    },
  ];
}

async function changeHosts<T extends HostTarget>(
  options: HostChangeStepsOptions<T>,
  pairs: { host: HostSpec; target: T }[],
  ctx: StepContext,
): Promise<StepOutcome> {
  const { tool } = options;
  const targetOf = new Map(pairs.map((p) => [p.host.name, p.target]));
  let changed = 0;
  const results = await forEachHost(
    pairs.map((p) => p.host),
    options.rollout.parallel,
    async (host, progress) => {
      const target = targetOf.get(host.name) as T;
      const key = hostMemoryKey(tool.name, host.name);
      const runner = options.runnerFactory(host);
      try {
        const remembered = await ctx.memory.get(key, hostChangeMemorySchema);
        const current = await tool.readVersion(runner, host, ctx.signal);
        if (tool.isDone(target, current, remembered)) {
          if (remembered === undefined) {
            await ctx.memory.set(key, {
              host: host.name,
              from: target.from,
              to: current,
              at: ctx.now().toISOString(),
              skipped: true,
            } satisfies HostChangeMemory);
          }
          await ctx.detail(`${host.name}: already at ${current ?? 'none'}; not changed again`);
          return 'skipped';
        }
        await tool.change(runner, host, target, ctx.signal);
        const after = await tool.readVersion(runner, host, ctx.signal);
        if (!tool.isDone(target, after, undefined)) {
          throw new PermanentError(
            'version_not_changed',
            `${host.name} still has ${after ?? 'nothing'} after the change, not ${tool.targetLabel}.`,
            {
              hint: 'The command succeeded but the version did not change: look at the command output and the host.',
            },
          );
        }
        await ctx.memory.set(key, {
          host: host.name,
          from: current,
          to: after,
          at: ctx.now().toISOString(),
          skipped: false,
        } satisfies HostChangeMemory);
        await ctx.detail(`${host.name}: ${current ?? 'none'} → ${after ?? 'none'}`);
        changed++;
        return 'changed';
      } catch (error) {
        const notStarted = pairs
          .map((p) => p.host.name)
          .filter((name) => name !== host.name && !progress.completed.includes(name));
        throw withProgress(error, host.name, progress.completed, notStarted);
      }
    },
    ctx.signal,
  );
  if (changed === 0)
    return { skipped: true, summary: `all ${results.length} host(s) already at ${tool.targetLabel}` };
  const already = results.length - changed;
  return { summary: `${changed} host(s) changed${already ? `, ${already} already at target` : ''}` };
}

/** Adds where the rollout stopped to a host's error, so a person knows which hosts run which version. */
function withProgress(
  error: unknown,
  failedHost: string,
  done: readonly string[],
  notDone: string[],
): unknown {
  if (!(error instanceof RollbackError)) return error;
  const state = `Done: ${done.join(', ') || 'no host'}. Failed: ${failedHost}. Not done: ${notDone.join(', ') || 'no host'}.`;
  const options = {
    cause: error.cause ?? error,
    hint: `${state} ${error.hint ?? ''}`.trim(),
    details: [...error.details, state],
  };
  return error instanceof RetryableError
    ? new RetryableError(error.code, error.message, options)
    : new PermanentError(error.code, error.message, options);
}

function hostFor(hosts: readonly HostSpec[], name: string): HostSpec {
  const host = hosts.find((h) => h.name === name);
  if (host === undefined) {
    throw new PermanentError(
      'host_not_configured',
      `Host ${name} of the plan is no longer in the service's hosts: section.`,
      {
        hint: 'Nothing was changed on it. Ask for the rollback again so the plan matches the configuration.',
      },
    );
  }
  return host;
}
