import { z } from 'zod';

/** The `helm:` section of a service YAML. (Placeholder until the helm strategy lands.) */
export const helmSectionSchema = z.object({}).passthrough();
export type HelmSection = z.output<typeof helmSectionSchema>;
