import { z } from 'zod';
import { durationSeconds } from '../duration-schema.js';

/** The `helm:` section of a service YAML: roll back a Helm release (Kubernetes runbook, Option C). */
export const helmSectionSchema = z
  .object({
    /** Release name as `helm list` shows it. */
    release: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/, 'must be a Helm release name (lowercase, at most 53)'),
    namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a Kubernetes namespace name')
      .default('default'),
    /** kubeconfig context (`--kube-context`); omitted: the worker's current context. */
    kubeContext: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9._@:/-]{0,252}$/, 'must be a kubeconfig context name')
      .optional(),
    /** `helm rollback --wait --timeout`: how long the rolled back resources may take to become ready. */
    timeout: durationSeconds.default(300),
  })
  .strict();
export type HelmSection = z.output<typeof helmSectionSchema>;
