import { z } from 'zod';
import { hostPathSchema, unitNameSchema } from '../hosts-schema.js';

/** A `git tag --list` pattern of release tags ("v*"). */
export const tagPatternSchema = z
  .string()
  .regex(/^[A-Za-z0-9._+*?[\]/-]{1,128}$/, 'must be a tag glob like v*')
  .refine((p) => !p.startsWith('-'), 'must not start with "-"')
  .default('v*');

/**
 * The `git:` section of a service YAML (runbook option D): the app is a git work tree on each host;
 * rolling back checks out an older tag or commit and restarts the service.
 */
export const gitSectionSchema = z
  .object({
    /** The work tree on each host ("/srv/app"). */
    path: hostPathSchema,
    /** Restarted with `systemctl restart <unit>` after the checkout and checked by verify. */
    unit: unitNameSchema.optional(),
    /** Fetch tags from the `origin` remote before resolving and checking out. */
    remote: z.boolean().default(false),
    /** `git tag --list` pattern of release tags ("v*"). */
    tagPattern: tagPatternSchema,
    /** An argv run instead of `systemctl restart <unit>` (e.g. ["/srv/app/bin/reload"]). */
    restart: z.array(z.string().min(1)).min(1).optional(),
    /** Run systemctl / journalctl / the restart argv through `sudo -n`. */
    sudo: z.boolean().default(false),
  })
  .strict();
export type GitSection = z.output<typeof gitSectionSchema>;
