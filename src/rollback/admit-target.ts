import { InputError } from '../errors/rollback-error.js';
import { suggestCommand } from '../errors/suggested-command.js';
import type { PlanException, RollbackRequest } from './plan.js';
import type { ResolvedPlan } from './strategy.js';
import { versionDirection } from './versions/compare-versions.js';

export interface Admission {
  exceptions: PlanException[];
  /** Lines for the plan: "FORWARD: v0.9.0 is newer than v0.8.0 (--forward)". */
  marks: string[];
}

/**
 * The rule every strategy shares: a rollback goes back to something that ran before. A target newer than
 * the current version needs `--forward`; one that never ran here and is known only from the image
 * registry needs `--allow-unlisted`. Both are refused without their flag, with the flag in the hint, and
 * marked in the plan with it. Versions without numbers (`latest`, a commit id) have no direction.
 */
export function admitTarget(service: string, resolved: ResolvedPlan, request: RollbackRequest): Admission {
  const exceptions: PlanException[] = [];
  const marks: string[] = [];
  const retry = (flag: string) => suggestCommand('rollback', service, ...targetWords(request), flag);
  if (resolved.knownFrom === 'registry') {
    if (!request.allowUnlisted) {
      throw new InputError(
        'unlisted_needs_flag',
        `${resolved.to} never ran in ${service}: it is only in the image registry, so it is not a rollback.`,
        {
          hint: 'Add --allow-unlisted to go there anyway (marked in the plan and audited), or pick a version that ran before.',
          next: [suggestCommand('versions', service), retry('--allow-unlisted')],
        },
      );
    }
    exceptions.push('unlisted');
    marks.push(`UNLISTED: ${resolved.to} never ran in ${service} (exists in the registry; --allow-unlisted)`);
  }
  const { from, to } = resolved.versions ?? {};
  if (from !== undefined && to !== undefined && versionDirection(from, to) === 'forward') {
    if (!request.forward) {
      throw new InputError(
        'forward_needs_flag',
        `${to} is newer than the current ${from}: that is a roll forward, not a rollback.`,
        {
          hint: 'Add --forward to go there anyway (marked in the plan and audited), or pick an older version.',
          next: [suggestCommand('versions', service), retry('--forward')],
        },
      );
    }
    exceptions.push('forward');
    marks.push(`FORWARD: ${to} is newer than the current ${from} (--forward)`);
  }
  return { exceptions, marks };
}

/** The words that asked for this target again, with the flags already given. */
function targetWords(request: RollbackRequest): string[] {
  const target =
    request.version ?? (request.toRevision === undefined ? undefined : `revision:${request.toRevision}`);
  return [
    ...(target === undefined ? [] : [target]),
    ...(request.forward ? ['--forward'] : []),
    ...(request.allowUnlisted ? ['--allow-unlisted'] : []),
  ];
}
