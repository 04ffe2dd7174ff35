import { z } from 'zod';

/** The `files:` section of a service YAML. (Placeholder until the files strategy lands.) */
export const filesSectionSchema = z.object({}).passthrough();
export type FilesSection = z.output<typeof filesSectionSchema>;
