import type { z } from 'zod';
import { packageSectionSchema } from './apt-schema.js';

/** The `yum:` section of a service YAML: roll back an RPM package with yum (same fields as `apt:`). */
export const yumSectionSchema = packageSectionSchema;
export type YumSection = z.output<typeof yumSectionSchema>;
