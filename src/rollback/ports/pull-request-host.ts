/** A pull request to open on the Git host: `head` is a branch already pushed, `base` the one it merges into. */
export interface PullRequestRequest {
  owner: string;
  repo: string;
  head: string;
  base: string;
  title: string;
  body: string;
}

export interface OpenedPullRequest {
  /** The pull request's page (`html_url`). */
  url: string;
  number: number;
  /** It was open already for this branch (the host answered 422), and this is that one. */
  existing: boolean;
}

/** A GitHub-compatible Git host (REST API) where the revert pull request is opened. */
export interface PullRequestHost {
  /** The API's base URL, for messages. */
  readonly api: string;
  open(request: PullRequestRequest, signal?: AbortSignal): Promise<OpenedPullRequest>;
}

/** Builds the host of a service's `gitops.git.pullRequests` (the composition root gives it the token). */
export type PullRequestHostFactory = (settings: { api: string; tokenEnv: string }) => PullRequestHost;
