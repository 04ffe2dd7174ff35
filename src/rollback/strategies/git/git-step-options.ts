import type { GitSection } from '../../../config/strategies/git-schema.js';
import type { HostSpec } from '../../ports/command-runner.js';
import type { HostStepDeps } from '../host/host-shell.js';
import type { GitTarget } from './git-target.js';

/** What every git step is built from. */
export interface GitStepOptions {
  git: GitSection;
  target: GitTarget;
  hosts: readonly HostSpec[];
  parallel: number;
  deps: HostStepDeps;
}

/** Memory key of the commit a host had checked out before this job changed it. */
export function previousShaKey(host: string): string {
  return `git:${host}:previous-sha`;
}
