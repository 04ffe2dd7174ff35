import { z } from 'zod';

/** The `yum:` section of a service YAML. (Placeholder until the yum strategy lands.) */
export const yumSectionSchema = z.object({}).passthrough();
export type YumSection = z.output<typeof yumSectionSchema>;
