import { InputError } from '../../../errors/rollback-error.js';
import type { RollbackRequest } from '../../plan.js';
import { describeRevision, GOOD_STATUSES, type HelmRevision } from './helm-history.js';

const REVISION_INPUT = /^(?:revision:|r)?(\d{1,9})$/;

export interface HelmChoice {
  current: HelmRevision;
  target: HelmRevision;
}

/**
 * Picks the revision to roll back to from `helm history`. No version: the last good (superseded or deployed)
 * revision before the current one; unlike `helm rollback <release>` alone, which goes to current-1 even when
 * that one failed. A version: "revision:3", "r3", "3", or an app/chart version ("v0.7.0", "kaizen-0.7.0").
 */
export function chooseHelmRevision(
  release: string,
  history: readonly HelmRevision[],
  request: Pick<RollbackRequest, 'version' | 'toRevision'>,
): HelmChoice {
  const current = history[history.length - 1];
  if (current === undefined) throw new InputError('no_history', `Helm release ${release} has no revisions.`);
  const candidates = history
    .filter((r) => r.revision !== current.revision && GOOD_STATUSES.has(r.status))
    .reverse();
  const valid = (): string[] =>
    candidates.slice(0, 10).map((r) => `revision:${r.revision} ${describeRevision(r)}`);

  let target: HelmRevision | undefined;
  const revisionInput = request.toRevision ?? revisionOf(request.version);
  if (revisionInput !== undefined) {
    target = history.find((r) => r.revision === revisionInput);
    if (target === undefined) {
      throw new InputError('unknown_revision', `Helm release ${release} has no revision ${revisionInput}.`, {
        hint: `Pick one of: ${valid().join('; ') || 'none'}`,
      });
    }
  } else if (request.version !== undefined) {
    const wanted = request.version;
    const matches = history.filter(
      (r) => r.app_version === wanted || r.chart === wanted || r.chart.endsWith(`-${wanted}`),
    );
    target =
      matches.filter((r) => r.revision !== current.revision && GOOD_STATUSES.has(r.status)).pop() ??
      matches.pop();
    if (target === undefined) {
      throw new InputError(
        'unknown_version',
        `No revision of Helm release ${release} has version "${wanted}".`,
        {
          hint: `Pick one of: ${valid().join('; ') || 'none'}`,
        },
      );
    }
  } else {
    target = candidates[0];
    if (target === undefined) {
      throw new InputError(
        'no_previous_revision',
        `Helm release ${release} has no good revision before ${describeRevision(current)}.`,
      );
    }
  }

  if (target.revision === current.revision) {
    throw new InputError(
      'already_current',
      `Helm release ${release} is already at ${describeRevision(current)}.`,
      {
        hint: `Pick another one: ${valid().join('; ') || 'none'}`,
      },
    );
  }
  if (!GOOD_STATUSES.has(target.status)) {
    throw new InputError(
      'bad_revision',
      `${describeRevision(target)} of ${release} never deployed successfully.`,
      {
        hint: `Pick a superseded or deployed one: ${valid().join('; ') || 'none'}`,
      },
    );
  }
  return { current, target };
}

function revisionOf(version: string | undefined): number | undefined {
  const match = version === undefined ? null : REVISION_INPUT.exec(version);
  return match ? Number(match[1]) : undefined;
}
