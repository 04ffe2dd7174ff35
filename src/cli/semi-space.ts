/**
 * V8's young generation grows to 2 x 16 MB during start-up and stays there; `npm start` and the Docker image
 * cap each semi-space at 4 MB, keeping an idle bot about 20 MB smaller (BENCHMARKS.md, "Idle RSS").
 * The flag only counts at start-up (`v8.setFlagsFromString` later changes nothing), so `rollback-bot serve`
 * re-executes itself with it.
 */
export const SEMI_SPACE_FLAG = '--max-semi-space-size=4';

/** What `serve` needs to know about the Node process it runs in (main.ts fills it from `process`). */
export interface NodeRuntime {
  execPath: string;
  /** Node's own options before the script (`process.execArgv`). */
  execArgv: string[];
  /** The whole command line: node, the script, its arguments (`process.argv`). */
  argv: string[];
  /** $NODE_OPTIONS, where the flag may be set too. */
  nodeOptions: string | undefined;
  /** `process.execve` (Node 22.15+ on POSIX): replaces this process, same pid, nothing left behind. */
  execve: ((file: string, args: string[]) => never) | undefined;
}

export type SemiSpacePlan =
  { kind: 'set' } | { kind: 'relaunch'; file: string; args: string[] } | { kind: 'unavailable' };

/** Whether the semi-space size is already chosen (by us or the operator), else how to start with it. */
export function semiSpacePlan(runtime: NodeRuntime): SemiSpacePlan {
  const chosen = (option: string) => /^--max[-_]semi[-_]space[-_]size(=|$)/.test(option);
  const fromOptions = (runtime.nodeOptions ?? '').split(/\s+/);
  if (runtime.execArgv.some(chosen) || fromOptions.some(chosen)) return { kind: 'set' };
  if (runtime.execve === undefined) return { kind: 'unavailable' };
  const [node = runtime.execPath, ...rest] = runtime.argv;
  return {
    kind: 'relaunch',
    file: runtime.execPath,
    args: [node, ...runtime.execArgv, SEMI_SPACE_FLAG, ...rest],
  };
}
