import type { KubernetesSection } from '../../../config/service-schema.js';
import { InputError } from '../../../errors/rollback-error.js';
import { suggestCommand } from '../../../errors/suggested-command.js';
import type { DeploymentState } from './read-deployment-state.js';
import { revisionHistory, revisionOf } from './replica-set-history.js';

/** The Deployment's default when spec.revisionHistoryLimit is unset. */
const DEFAULT_REVISION_HISTORY_LIMIT = 10;
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';

export interface KnownImage {
  /** The image the revision ran, when the bot saw it run (its ledger). */
  image?: string;
  /** The version (tag) to type for an image rollback to it. */
  version?: string;
}

/**
 * Why revision N is not in the history, when the history says why: it was rolled back to since (its
 * ReplicaSet now carries a newer number and lists N in revision-history), or it is older than every
 * ReplicaSet kept, so revisionHistoryLimit pruned it. Undefined: N never existed.
 */
export function prunedRevisionError(
  state: DeploymentState,
  section: KubernetesSection,
  requested: number,
  service: string,
  known: KnownImage = {},
): InputError | undefined {
  const name = section.deployment;
  const history = revisionHistory(state.deployment, state.replicaSets);
  const renamed = history.find((e) =>
    (e.replicaSet.metadata?.annotations?.[REVISION_HISTORY] ?? '')
      .split(',')
      .map((v) => Number(v.trim()))
      .includes(requested),
  );
  if (renamed) {
    return new InputError(
      'unknown_revision',
      `Revision ${requested} of deployment/${name} is now revision ${renamed.revision} (it was rolled back to since; same template).`,
      {
        hint: `Ask for revision:${renamed.revision}.`,
        next: [suggestCommand('rollback', service, `revision:${renamed.revision}`)],
      },
    );
  }
  const oldest = Math.min(...history.map((e) => e.revision));
  const current = revisionOf(state.deployment) ?? 0;
  if (requested < 1 || requested >= current || history.length === 0 || requested >= oldest) return undefined;
  const limit = state.deployment.spec?.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
  const ran = known.image ? ` It ran ${known.image}.` : '';
  const offer = known.version
    ? `Roll back by image instead: the version it ran is ${known.version}.`
    : `Roll back by image instead: name the version it ran${section.tags ? ` (one of ${section.tags.join(', ')})` : ''}.`;
  return new InputError(
    'revision_pruned',
    `Revision ${requested} of deployment/${name} was pruned: revisionHistoryLimit is ${limit} and the oldest revision kept is ${oldest}.${ran} Nothing was changed.`,
    {
      hint: offer,
      ...(known.version ? { next: [suggestCommand('rollback', service, known.version)] } : {}),
    },
  );
}
