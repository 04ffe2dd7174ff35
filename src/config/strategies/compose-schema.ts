import { z } from 'zod';

/** The `compose:` section of a service YAML. (Placeholder until the compose strategy lands.) */
export const composeSectionSchema = z.object({}).passthrough();
export type ComposeSection = z.output<typeof composeSectionSchema>;
