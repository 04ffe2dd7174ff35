import { z } from 'zod';
import { durationSeconds } from './duration-schema.js';

/**
 * `kubernetes.registry`: how the bot asks the image registry whether a version exists. Only references to
 * credentials live here (an environment variable of the bot, a file, a Secret's name), never the secret.
 */
export const registrySectionSchema = z
  .object({
    /** A `kubernetes.io/dockerconfigjson` Secret in the Deployment's namespace. */
    credentialsSecretName: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a lowercase Kubernetes object name')
      .optional(),
    /**
     * An environment variable of the bot holding `username:password` or a docker config JSON. Only names
     * ending in `REGISTRY_AUTH` are passed to strategies, so other variables can never be sent to a registry.
     */
    credentialsEnv: z
      .string()
      .regex(
        /^(?:[A-Z][A-Z0-9_]{0,113}_)?REGISTRY_AUTH$/,
        'must be an environment variable name ending in REGISTRY_AUTH, like KAIZEN_REGISTRY_AUTH',
      )
      .optional(),
    /** A file (a mounted Secret) holding the same. */
    credentialsFile: z.string().startsWith('/', 'must be an absolute path').optional(),
    /** Also use the Deployment's imagePullSecrets, as the kubelet does. */
    useImagePullSecrets: z.boolean().default(true),
    /** Plain HTTP to the registry (a local registry only). */
    insecure: z.boolean().default(false),
    timeout: durationSeconds.default(10),
  })
  .strict()
  .refine((r) => r.credentialsEnv === undefined || r.credentialsFile === undefined, {
    message: 'set credentialsEnv or credentialsFile, not both',
  });

export type RegistrySection = z.output<typeof registrySectionSchema>;
