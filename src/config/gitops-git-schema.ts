import { z } from 'zod';
import { gitRemoteUrlProblem } from './git-remote-url.js';

/** A branch name git accepts and that cannot be read as an option. */
const branchName = z
  .string()
  .regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}$/, 'must be a plain branch name (letters, digits, . _ / -)');

/** A repository on the Git host: `owner` and `name` as in `/repos/{owner}/{repo}`. */
const repoPart = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a GitHub owner or repository name');

/**
 * `gitops.git`: the GitOps repository that declares the service's version, so the bot can name the
 * commit(s) that brought the bad version (to revert, or the CD system puts it back when the hold ends)
 * and, with `pullRequests`, open the revert pull request.
 */
export const gitopsGitSchema = z
  .object({
    /**
     * Where the repository is: a URL git can clone (credentials come from the bot's git/ssh setup, never the
     * URL), or an absolute local path. The bot keeps a mirror of it and pushes the revert branch here.
     */
    repo: z
      .string()
      .min(1)
      .superRefine((repo, ctx) => {
        if (repo.startsWith('/') && !repo.includes('\n')) return;
        const problem = gitRemoteUrlProblem(repo);
        if (problem) ctx.addIssue({ code: 'custom', message: `${problem}, or an absolute local path` });
      }),
    branch: branchName.default('main'),
    /** The file that names the version, relative to the repository's root (a manifest, values, kustomization). */
    path: z
      .string()
      .regex(
        /^(?![-/])(?!.*(?:^|\/)\.\.(?:\/|$))[^\s]{1,500}$/,
        'must be a relative path inside the repository',
      ),
    /**
     * How the version is written in that file; `{version}` stands for the tag. Default
     * `<kubernetes.image>:{version}` (an image reference); `newTag: {version}` for a kustomization.
     */
    match: z.string().includes('{version}', { message: 'must contain {version}' }).max(300).optional(),
    /** A GitHub-compatible host (REST API) where the bot opens the revert pull request. */
    pullRequests: z
      .object({
        /** The REST API's base URL: https://api.github.com, or https://<ghe-host>/api/v3. */
        api: z.string().url().default('https://api.github.com'),
        owner: repoPart,
        repo: repoPart,
        /** The bot's environment variable holding the token; only names ending in GIT_TOKEN are read. */
        tokenEnv: z
          .string()
          .regex(
            /^(?:[A-Z][A-Z0-9_]{0,113}_)?GIT_TOKEN$/,
            'must be an environment variable name ending in GIT_TOKEN, like GITOPS_GIT_TOKEN',
          )
          .default('GIT_TOKEN'),
      })
      .strict()
      .optional(),
  })
  .strict();

export type GitopsGitSection = z.output<typeof gitopsGitSchema>;
