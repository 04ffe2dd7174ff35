import { z } from 'zod';
import { PermanentError, RollbackError } from '../../../errors/rollback-error.js';
import type { HostSpec } from '../../ports/command-runner.js';
import type { RollbackStep, StepContext } from '../../step.js';
import { forEachHost } from './for-each-host.js';
import { formatCommand } from './format-command.js';
import { hostShell, type HostShell, type HostStepDeps } from './host-shell.js';
import { readUnitState } from './read-unit-state.js';
import { systemctlActionArgv, type UnitAction } from './systemctl-argv.js';
import { withSudo } from './with-sudo.js';

/** What the rollback had done when a stop/start failed, so the error can say what state things are in. */
export interface UnitActionFailure {
  host: string;
  action: UnitAction;
  unit: string | undefined;
  /** `systemctl is-active` after the failure ("active", "failed", "unknown"...). */
  state: string;
  /** Hosts on which this step already succeeded. */
  completedHosts: readonly string[];
}

export interface UnitActionStepOptions {
  id: string;
  title: string;
  action: UnitAction;
  /** The systemd unit; with neither `unit` nor `command` the step is skipped. */
  unit?: string;
  /** An argv run instead of `systemctl <action> <unit>` (e.g. the git strategy's `restart:`). */
  command?: readonly string[];
  sudo?: boolean;
  hosts: readonly HostSpec[];
  parallel: number;
  deps: HostStepDeps;
  /** Says where the rollback stands after a failure on one host ("files not restored") and what to do. */
  describeFailure(failure: UnitActionFailure): { situation: string; hint: string };
}

/** Memory key holding a host's clock (epoch seconds) just before the unit was (re)started. */
export function unitStartedAtKey(host: string): string {
  return `host:${host}:unit-started-at`;
}

/**
 * `systemctl stop|start|restart <unit>` (or a custom argv) on each host. Resume-safe: skipped where this job
 * already did it (job memory), and stop where the unit is already inactive, start where it is already active.
 */
export function createUnitActionStep(options: UnitActionStepOptions): RollbackStep {
  const { unit, command, action } = options;
  return {
    id: options.id,
    title: options.title,
    // A stop or start cut off by a cancel would leave hosts in a state nobody chose: let it finish.
    interruptible: false,
    async run(ctx) {
      if (unit === undefined && command === undefined) {
        return { skipped: true, summary: `no unit configured, nothing to ${action}` };
      }
      const argv =
        command === undefined
          ? systemctlActionArgv(action, unit as string, options.sudo)
          : withSudo(command, options.sudo);
      let changed = 0;
      await forEachHost(
        options.hosts,
        options.parallel,
        async (host, progress) => {
          const shell = hostShell(options.deps, host, ctx.signal);
          if (await alreadyDone(ctx, shell, options)) {
            await ctx.detail(`${shell.host}: ${unit ?? 'service'} already ${pastTense(action)}`);
            return;
          }
          if (action !== 'stop') await rememberStartTime(ctx, shell);
          const result = await shell.probe(argv);
          if (result.exitCode !== 0 || result.timedOut) {
            const state = unit === undefined ? 'unknown' : await readUnitState(shell, unit);
            const { situation, hint } = options.describeFailure({
              host: shell.host,
              action,
              unit,
              state,
              completedHosts: [...progress.completed],
            });
            const why = result.timedOut ? 'timed out' : `exited with ${result.exitCode}`;
            const output = `${result.stdout}\n${result.stderr}`.trim();
            throw new PermanentError(
              `${action}_failed`,
              `\`${formatCommand(argv)}\` ${why} on ${shell.host}; ${unit ?? 'the service'} is ${state} there. ${situation}`,
              { hint, details: output === '' ? [] : output.split('\n').slice(-20) },
            );
          }
          await ctx.memory.set(doneKey(options.id, shell.host), true);
          changed++;
          await ctx.detail(`${shell.host}: ${formatCommand(argv)} ok`);
        },
        ctx.signal,
      );
      const where = `${options.hosts.length} host${options.hosts.length === 1 ? '' : 's'}`;
      return changed === 0
        ? { skipped: true, summary: `already ${pastTense(action)} on ${where}` }
        : { summary: `${unit ?? 'service'} ${pastTense(action)} on ${where}` };
    },
  };
}

/** Set once the action succeeded on a host: a resumed job must not stop a service it already started again. */
function doneKey(stepId: string, host: string): string {
  return `${stepId}:${host}:done`;
}

async function alreadyDone(
  ctx: StepContext,
  shell: HostShell,
  options: UnitActionStepOptions,
): Promise<boolean> {
  if ((await ctx.memory.get(doneKey(options.id, shell.host), z.boolean())) === true) return true;
  if (options.action === 'restart' || options.unit === undefined) return false;
  const state = await readUnitState(shell, options.unit);
  return options.action === 'stop' ? state === 'inactive' || state === 'failed' : state === 'active';
}

/** Reads the host's own clock, so journal checks later see only lines after the (re)start. */
async function rememberStartTime(ctx: StepContext, shell: HostShell): Promise<void> {
  try {
    const result = await shell.probe(['date', '+%s']);
    const seconds = Number(result.stdout.trim());
    if (result.exitCode === 0 && Number.isInteger(seconds))
      await ctx.memory.set(unitStartedAtKey(shell.host), seconds);
  } catch (error) {
    if (error instanceof RollbackError) throw error;
    ctx.log.warn(
      { host: shell.host, err: error },
      'cannot read the host clock; journal check will not be time-bounded',
    );
  }
}

function pastTense(action: UnitAction): string {
  return action === 'stop' ? 'stopped' : action === 'start' ? 'started' : 'restarted';
}
