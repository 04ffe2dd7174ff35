import type { ServiceConfig } from './service-schema.js';

/** The variables the composition root read that services may name: `*_GIT_TOKEN`, `*_REGISTRY_AUTH`. */
export interface NamedVariables {
  gitTokens?: Readonly<Record<string, string>> | undefined;
  registryEnv?: Readonly<Record<string, string>> | undefined;
}

/**
 * What `config check` warns about in the variables a service names, when one is not set (or empty) in the
 * environment given: a `gitops.git.pullRequests.tokenEnv` (the bot could not open the revert pull request
 * and would leave the `git revert` to be run by hand) and a `kubernetes.registry.credentialsEnv` (the bot
 * could not ask the image registry, so versions known only there are refused and the pull check is
 * skipped). Names the variable, never a value.
 */
export function unsetVariableWarnings(service: ServiceConfig, variables: NamedVariables): string[] {
  const warnings: string[] = [];
  const pullRequests = service.gitops?.git?.pullRequests;
  if (pullRequests !== undefined && !variables.gitTokens?.[pullRequests.tokenEnv]) {
    const name = pullRequests.tokenEnv;
    warnings.push(
      `gitops.git.pullRequests.tokenEnv names ${name}, which is not set in this environment: the bot cannot open the revert pull request on ${pullRequests.api} and leaves the git revert to be run by hand. Set ${name} in the bot's environment (a token that may open pull requests).`,
    );
  }
  const credentialsEnv = service.kubernetes?.registry?.credentialsEnv;
  // Blank counts as unset, as when the bot reads it (configuredRegistryCredentials).
  if (credentialsEnv !== undefined && !variables.registryEnv?.[credentialsEnv]?.trim()) {
    warnings.push(
      `kubernetes.registry.credentialsEnv names ${credentialsEnv}, which is not set in this environment: every question to the image registry fails (registry_credentials_missing), so versions known only from the registry are refused and plans say "Registry not checked". Set ${credentialsEnv} in the bot's environment (username:password or a docker config JSON).`,
    );
  }
  return warnings;
}
