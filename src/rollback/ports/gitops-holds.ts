import type { CustomObjectRef } from './kubernetes-cluster.js';

/** How the CD system is held: Argo CD's automated sync removed, or the Flux object suspended. */
export type HoldKind = 'argocd-automated' | 'flux-suspend';

/**
 * A CD system the bot holds while a rollback stands: which object, what it changed and the exact original
 * value (`present: false`: the field was absent and is removed again on release).
 */
export interface GitopsHold {
  service: string;
  jobId: string;
  /** The kubeconfig context the object lives in (undefined: the current one). */
  context?: string;
  ref: CustomObjectRef;
  kind: HoldKind;
  original: { present: boolean; value?: unknown };
  /** "Argo CD Application argocd/kaizen". */
  description: string;
  at: string;
  /** The Git side: the commits to revert (newest first) and, once opened, the revert pull request. */
  revert?: { commits: { short: string; subject: string }[]; pullRequest?: string };
}

/** Where holds are kept until `/rollback release` restores them (one per service). */
export interface GitopsHolds {
  set(hold: GitopsHold): Promise<void>;
  get(service: string): Promise<GitopsHold | undefined>;
  remove(service: string): Promise<void>;
}
