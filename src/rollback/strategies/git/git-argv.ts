/** `git -C <path> <args...>`: every git command of the strategy runs in the configured work tree. */
export function gitArgv(path: string, ...args: string[]): string[] {
  return ['git', '-C', path, ...args];
}

export const FULL_SHA = /^[0-9a-f]{40}$/;
export const ABBREVIATED_SHA = /^[0-9a-f]{4,40}$/i;
