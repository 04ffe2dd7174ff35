import { z } from 'zod';
import { PermanentError } from '../../../errors/rollback-error.js';

/**
 * The resolved target of a Kubernetes rollback, stored in the job (RollbackPlan.target) so that a retried
 * or resumed job acts on exactly what was planned. "Previous" is already a concrete revision and
 * ReplicaSet here: steps find the ReplicaSet by name (its revision number changes once it is rolled
 * back to), so a resumed job never undoes twice.
 */
const current = z.object({
  /** The Deployment's revision when the plan was made. */
  revision: z.number().int(),
  /** The configured container's image then. */
  image: z.string().optional(),
  /** The ReplicaSet whose template the Deployment ran then. */
  replicaSet: z.string().optional(),
});

const common = {
  context: z.string().optional(),
  namespace: z.string().min(1),
  deployment: z.string().min(1),
  container: z.string().min(1),
  from: current,
  /** The CD system to hold before the rollback (the service's gitops.pause allowed it when planned). */
  gitops: z
    .object({
      ref: z.object({
        group: z.string(),
        version: z.string(),
        plural: z.string(),
        namespace: z.string(),
        name: z.string(),
      }),
      kind: z.enum(['argocd-automated', 'flux-suspend']),
      description: z.string(),
    })
    .optional(),
  /** The Git side: the commits of the GitOps repository that brought the bad version (gitops.git). */
  revert: z
    .object({
      repo: z.string(),
      branch: z.string(),
      path: z.string(),
      commits: z.array(
        z.object({
          sha: z.string(),
          short: z.string(),
          author: z.string(),
          date: z.string(),
          subject: z.string(),
        }),
      ),
    })
    .optional(),
};

export const imageTargetSchema = z.object({
  mode: z.literal('image'),
  ...common,
  /** The version the user asked for (the image tag). */
  version: z.string().min(1),
  /** The full image reference `<kubernetes.image>:<version>`, or `…@sha256:…` when pinned (kubernetes.pinDigest). */
  image: z.string().min(1),
  /** The digest this image ran with here, when the bot saw it run. */
  ranWith: z.string().optional(),
});

export const undoTargetSchema = z.object({
  mode: z.literal('undo'),
  ...common,
  /** Whether the user named the revision or asked for "previous" (resolved to `toRevision`). */
  requested: z.enum(['previous', 'revision']),
  toRevision: z.number().int().nonnegative(),
  /** The ReplicaSet holding that revision's template, and its pod-template-hash label. */
  replicaSet: z.string().min(1),
  podTemplateHash: z.string(),
  /** The configured container's image in that template. */
  image: z.string().optional(),
  /** The digest that image ran with here, when the bot saw it run. */
  ranWith: z.string().optional(),
});

/**
 * The runbook's next move after a failed rollout, asked for with a button on the diagnosis message:
 * `kubectl rollout restart` (the pod template gets `kubectl.kubernetes.io/restartedAt`).
 */
export const restartTargetSchema = z.object({
  mode: z.literal('restart'),
  ...common,
  /** The failed rollback whose diagnosis offered it. */
  fromJob: z.string().min(1),
  /** The value of the restartedAt annotation this restart sets (planned once: a resumed job does not restart twice). */
  restartedAt: z.string().min(1),
  /** The configured container's image now (unchanged by a restart). */
  image: z.string().optional(),
});

/** The other move: put back the pod template the pre-checks of `fromJob` backed up (what ran before it). */
export const restoreTargetSchema = z.object({
  mode: z.literal('restore'),
  ...common,
  fromJob: z.string().min(1),
  /** The sha256 of the backed-up pod template (canonical JSON): the restore step checks it is unchanged. */
  templateHash: z.string().min(1),
  /** The configured container's image in the backup. */
  image: z.string().optional(),
});

export const kubernetesTargetSchema = z.discriminatedUnion('mode', [
  imageTargetSchema,
  undoTargetSchema,
  restartTargetSchema,
  restoreTargetSchema,
]);

export type ImageTarget = z.infer<typeof imageTargetSchema>;
export type UndoTarget = z.infer<typeof undoTargetSchema>;
export type RestartTarget = z.infer<typeof restartTargetSchema>;
export type RestoreTarget = z.infer<typeof restoreTargetSchema>;
/** A rollback proper (as opposed to a remedy after a failed rollout). */
export type RollbackTarget = ImageTarget | UndoTarget;

/** Whether the target is a rollback (image or undo) rather than a remedy (restart, restore). */
export function isRollbackTarget(target: KubernetesTarget): target is RollbackTarget {
  return target.mode === 'image' || target.mode === 'undo';
}
export type KubernetesTarget = z.infer<typeof kubernetesTargetSchema>;

/** Validates a stored target (a job written by another version of the bot may not match). */
export function parseKubernetesTarget(target: Record<string, unknown>): KubernetesTarget {
  const parsed = kubernetesTargetSchema.safeParse(target);
  if (!parsed.success) {
    throw new PermanentError(
      'invalid_target',
      `The job's Kubernetes target is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      {
        hint: 'Start a new rollback.',
      },
    );
  }
  return parsed.data;
}
