import { z } from 'zod';
import { gitopsGitSchema } from './gitops-git-schema.js';

const k8sName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a lowercase Kubernetes object name');

/**
 * `gitops:` in a service's YAML: what the bot may do about the CD system that manages the workload.
 * Which object that is comes from the Deployment's tracking marks; `argocd` or `flux` name it when the
 * marks do not (or to be explicit).
 */
export const gitopsSchema = z
  .object({
    /**
     * Permission to hold the CD system while the rollback stands: remove the Argo CD Application's
     * automated sync, or suspend the Flux Kustomization/HelmRelease; restored exactly on `/rollback release`.
     */
    pause: z.boolean().default(false),
    argocd: z
      .object({ application: k8sName, namespace: k8sName.default('argocd') })
      .strict()
      .optional(),
    flux: z
      .object({
        kind: z.enum(['Kustomization', 'HelmRelease']),
        name: k8sName,
        namespace: k8sName.default('flux-system'),
      })
      .strict()
      .optional(),
    /** The GitOps repository: the commits to revert are named in the plan, and a revert PR opened. */
    git: gitopsGitSchema.optional(),
  })
  .strict();

export type GitopsSection = z.output<typeof gitopsSchema>;
