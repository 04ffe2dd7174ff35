import type { ServiceConfig } from '../../../config/service-schema.js';
import type { RollbackStep } from '../../step.js';
import type { HostStepDeps } from '../host/host-shell.js';
import { resolveHostRollout } from '../host/host-rollout.js';
import { createHostVerifyStep } from '../host/host-verify-step.js';
import { createUnitActionStep } from '../host/unit-action-step.js';
import { createGitCheckoutStep } from './git-checkout-step.js';
import { createGitIdentifyStep } from './git-identify-step.js';
import { createGitPrecheckStep } from './git-precheck-step.js';
import { gitSection } from './git-section.js';
import { parseGitTarget } from './git-target.js';

/** identify → precheck → checkout → restart → verify, each over all of the service's hosts. */
export function gitSteps(
  deps: HostStepDeps,
  service: ServiceConfig,
  rawTarget: Record<string, unknown>,
): RollbackStep[] {
  const git = gitSection(service);
  const target = parseGitTarget(rawTarget);
  const { hosts, parallel } = resolveHostRollout(service);
  const common = { git, target, hosts, parallel, deps };
  const undo = `\`git -C ${git.path} checkout --detach ${target.fromSha} --\``;
  return [
    createGitIdentifyStep(common),
    createGitPrecheckStep(common),
    createGitCheckoutStep(common),
    createUnitActionStep({
      id: 'restart',
      title: `Restart ${git.unit ?? 'the service'}`,
      action: 'restart',
      ...(git.unit === undefined ? {} : { unit: git.unit }),
      ...(git.restart === undefined ? {} : { command: git.restart }),
      sudo: git.sudo,
      hosts,
      parallel,
      deps,
      describeFailure: ({ host, completedHosts }) => ({
        situation:
          `${target.version} is checked out on every host; the service did not restart on ${host}` +
          (completedHosts.length > 0 ? ` (restarted on ${completedHosts.join(', ')}).` : '.'),
        hint:
          `Read the service's log on ${host}${git.unit ? ` (\`journalctl -u ${git.unit} -n 50 --no-pager\`)` : ''}. ` +
          `To go back to ${target.fromLabel} there, run ${undo} and restart the service; otherwise fix the cause and retry the rollback.`,
      }),
    }),
    createHostVerifyStep({
      ...(git.unit === undefined ? {} : { unit: git.unit }),
      sudo: git.sudo,
      hosts,
      parallel,
      deps,
      situation: `${target.version} is checked out and the service restarted on every host.`,
    }),
  ];
}
