import { z } from 'zod';
import { FULL_SHA } from './git-argv.js';

/** The resolved target of a git rollback, as stored in the plan (`RollbackPlan.target`). */
export const gitTargetSchema = z.object({
  /** What the user asked for or "previous" resolved: a tag ("v0.7.0") or a commit id. */
  version: z.string(),
  kind: z.enum(['tag', 'commit']),
  /** The commit to check out. */
  sha: z.string().regex(FULL_SHA),
  /** The commit checked out on the first host when the plan was made, and its label ("v0.8.0"). */
  fromSha: z.string().regex(FULL_SHA),
  fromLabel: z.string(),
});
export type GitTarget = z.output<typeof gitTargetSchema>;

export function parseGitTarget(target: Record<string, unknown>): GitTarget {
  return gitTargetSchema.parse(target);
}
