import type { ServiceConfig } from './service-schema.js';

/**
 * What `config check` warns about in the variables a service names: a `gitops.git.pullRequests.tokenEnv`
 * that is not set (or empty) in the environment given, so the bot could not open the revert pull request
 * and would leave the `git revert` to be run by hand. Names the variable, never a value. `gitTokens` are
 * the `*_GIT_TOKEN` variables the composition root read.
 */
export function unsetVariableWarnings(
  service: ServiceConfig,
  gitTokens: Readonly<Record<string, string>> | undefined,
): string[] {
  const pullRequests = service.gitops?.git?.pullRequests;
  if (pullRequests === undefined || gitTokens?.[pullRequests.tokenEnv]) return [];
  const name = pullRequests.tokenEnv;
  return [
    `gitops.git.pullRequests.tokenEnv names ${name}, which is not set in this environment: the bot cannot open the revert pull request on ${pullRequests.api} and leaves the git revert to be run by hand. Set ${name} in the bot's environment (a token that may open pull requests).`,
  ];
}
