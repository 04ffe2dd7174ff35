/** Lines the runbook's quick diagnosis greps for (`grep -i error`, `grep -i fail`) and their kin. */
export const DEFAULT_ERROR_PATTERN = /error|fail|fatal|panic|exception|traceback|crit|oom/i;

const LEADING_TIME = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\s+/;
const LEADING_SYSLOG_TIME = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\s+/;
/** After a journal timestamp: `<host> <identifier>[<pid>]: ` */
const JOURNAL_PREFIX = /^\S+ ([^\s[\]:]+)(?:\[\d+\])?: /;
const POD_HASH = '[bcdfghjklmnpqrstvwxz2456789]';

const MASKS: readonly [RegExp, string | ((match: string) => string)][] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, '<time>'],
  [/\b\d\d:\d\d:\d\d(?:[.,]\d+)?\b/g, '<time>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g, '<ip>'],
  [
    /(?<![\w:])\[?[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\]?(?::\d{1,5})?(?![\w:])/gi,
    (m) => (m.includes('::') || m.split(':').length >= 6 ? '<ip>' : m),
  ],
  [
    new RegExp(
      `\\b([a-z0-9]+(?:-[a-z0-9]+)*)-(?=${POD_HASH}*\\d)${POD_HASH}{6,10}-${POD_HASH}{5}(?![a-z0-9])`,
      'g',
    ),
    '$1-<pod>',
  ],
  [
    new RegExp(`\\b([a-z0-9]+(?:-[a-z0-9]+)*)-(?=${POD_HASH}*\\d)${POD_HASH}{8,10}(?![a-z0-9])`, 'g'),
    '$1-<hash>',
  ],
  [/\bpid[=: ]\s*\d+/gi, 'pid=<pid>'],
  [/(?<=[\w.-])\[\d+\]:/g, '[<pid>]:'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  [/\b(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+\b/g, '<duration>'],
  [/\b\d+(?:\.\d+)?\s?(?:seconds?|secs?|minutes?|mins?|milliseconds?)\b/gi, '<duration>'],
  [/(?<=[\w\]\s]):\d{2,5}\b/g, ':<port>'],
  [/\b\d{5,}\b/g, '<n>'],
  [/\s*\(x\d+\)$/, ''],
  [/\s+/g, ' '],
];

/**
 * A log line with what changes from one run to the next masked, so the same error matches across bundles:
 * leading timestamps and the journal's host and pid are dropped; times, UUIDs, IPs and ports, pids, pod
 * name hashes, hex ids, durations and long numbers inside the message are replaced by placeholders.
 */
export function normaliseLogLine(line: string): string {
  let text = line.trim();
  const timed = LEADING_TIME.test(text) || LEADING_SYSLOG_TIME.test(text);
  text = text.replace(LEADING_TIME, '').replace(LEADING_SYSLOG_TIME, '');
  if (timed) text = text.replace(JOURNAL_PREFIX, '$1: ');
  for (const [pattern, replacement] of MASKS) {
    text =
      typeof replacement === 'string'
        ? text.replace(pattern, replacement)
        : text.replace(pattern, replacement);
  }
  return text.trim();
}

/** The error lines of a log (journal markers like `-- No entries --` are not lines). */
export function errorLines(text: string, pattern: RegExp = DEFAULT_ERROR_PATTERN): string[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('-- ') && !line.startsWith('[rollback-bot:'))
    .filter((line) => pattern.test(line));
}
