import { z } from 'zod';

/** The `apt:` section of a service YAML. (Placeholder until the apt strategy lands.) */
export const aptSectionSchema = z.object({}).passthrough();
export type AptSection = z.output<typeof aptSectionSchema>;
