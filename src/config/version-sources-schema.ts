import { z } from 'zod';
import { gitRemoteUrlProblem } from './git-remote-url.js';
import { durationSeconds } from './duration-schema.js';
import { tagPatternSchema } from './strategies/git-schema.js';

/** `versions.git`: the service's git repository, whose tags `versions` lists (runbook: `git tag --list 'v*'`). */
export const gitVersionSourceSchema = z
  .object({
    /** Read with `git ls-remote --tags`; credentials come from the bot's git/ssh setup, never the URL. */
    repository: z.string().superRefine((url, ctx) => {
      const problem = gitRemoteUrlProblem(url);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    tagPattern: tagPatternSchema,
    /** How long the listed tags are reused. */
    cacheTtl: durationSeconds.default(300),
  })
  .strict();

/** `versions`: where the versions of a service come from, besides its deployment history and `tags:`. */
export const versionSourcesSchema = z.object({ git: gitVersionSourceSchema.optional() }).strict();

export type VersionSourcesSection = z.output<typeof versionSourcesSchema>;
