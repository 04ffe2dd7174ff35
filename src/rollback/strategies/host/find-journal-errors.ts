/** Used when the service sets no `verify.logErrorPattern`. */
export const DEFAULT_LOG_ERROR_PATTERN = /error|fail/i;

/** The journal lines that match the service's error pattern (default /error|fail/i). */
export function findJournalErrors(journal: string, pattern: string | undefined): string[] {
  const regex = pattern === undefined ? DEFAULT_LOG_ERROR_PATTERN : new RegExp(pattern);
  return journal
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('-- '))
    .filter((line) => regex.test(line));
}
