/** Prefixes `sudo -n` (never prompt: fail instead) when the service runs its commands as root. */
export function withSudo(argv: readonly string[], sudo: boolean | undefined): string[] {
  return sudo === true ? ['sudo', '-n', ...argv] : [...argv];
}
