import { z } from 'zod';

/** The `git:` section of a service YAML. (Placeholder until the git strategy lands.) */
export const gitSectionSchema = z.object({}).passthrough();
export type GitSection = z.output<typeof gitSectionSchema>;
