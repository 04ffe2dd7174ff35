import type { CommandRunnerFactory } from '../../ports/command-runner.js';
import type { MonitoringChecks } from '../../ports/monitoring-checks.js';
import type { RollbackStep } from '../../step.js';
import type { HostRollout } from './host-rollout.js';
import { createHostVerifyStep } from './host-verify-step.js';
import { createUnitActionStep } from './unit-action-step.js';

export interface HostFinishOptions {
  unit: string | undefined;
  sudo: boolean;
  /** Restart the unit after the change (package scripts do not always do it). */
  restart: boolean;
  rollout: HostRollout;
  runnerFactory: CommandRunnerFactory;
  /** Where things stand once the change is made ("kaizen 0.7.0-1 is installed on every host"). */
  situation: string;
  /** Alertmanager and Prometheus, for `verify.alerts` and `verify.metrics` (absent: not checked). */
  monitoring?: MonitoringChecks | undefined;
}

/** restart (when a unit is configured and `restart`), then the runbook's "After Rollback" checks. */
export function hostFinishSteps(options: HostFinishOptions): RollbackStep[] {
  const deps = {
    runners: options.runnerFactory,
    ...(options.monitoring ? { monitoring: options.monitoring } : {}),
  };
  const common = {
    sudo: options.sudo,
    hosts: options.rollout.hosts,
    parallel: options.rollout.parallel,
    deps,
  };
  const steps: RollbackStep[] = [];
  if (options.unit !== undefined && options.restart) {
    steps.push(
      createUnitActionStep({
        ...common,
        id: 'restart',
        title: `Restart ${options.unit} on each host`,
        action: 'restart',
        unit: options.unit,
        describeFailure: ({ completedHosts, state }) => ({
          situation: `${options.situation} Restarted so far: ${completedHosts.join(', ') || 'no host'}.`,
          hint: `The unit is ${state}. Read \`journalctl -u ${options.unit} -n 50\` on that host; fix it or roll back to another version.`,
        }),
      }),
    );
  }
  steps.push(
    createHostVerifyStep({
      ...common,
      ...(options.unit === undefined ? {} : { unit: options.unit }),
      situation: options.situation,
    }),
  );
  return steps;
}
