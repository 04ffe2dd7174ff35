import { quoteArgument } from '../../quote-for-remote-shell.js';

/** A command as a person would type it, for reports: plain words stay bare, anything else is quoted. */
export function formatCommand(argv: readonly string[]): string {
  return argv.map((arg) => (/^[A-Za-z0-9_@%+=:,./^{}-]+$/.test(arg) ? arg : quoteArgument(arg))).join(' ');
}
