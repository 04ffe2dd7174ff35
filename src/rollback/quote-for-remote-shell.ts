/**
 * Quotes one argument for a POSIX shell: wraps it in single quotes, inside which nothing is special, and
 * writes each embedded `'` as `'\''` (close quote, escaped quote, reopen).
 */
export function quoteArgument(argument: string): string {
  return `'${argument.replaceAll("'", `'\\''`)}'`;
}

/**
 * Turns an argument vector into one command line that a POSIX shell parses back into exactly that vector.
 * `ssh` joins its arguments with spaces and hands the result to the remote user's shell, so every element
 * (the program too) must be quoted.
 */
export function quoteForRemoteShell(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(quoteArgument).join(' ');
}
