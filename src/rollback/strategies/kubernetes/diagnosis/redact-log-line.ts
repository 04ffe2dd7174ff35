const MAX_LINE = 300;

const RULES: [RegExp, string][] = [
  [
    /\b([\w-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|authorization)[\w-]*)(["']?\s*[=:]\s*["']?)(?:(?:Bearer|Basic)\s+)?[^\s"',;&]+/gi,
    '$1$2[redacted]',
  ],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 [redacted]'],
  [/([a-z][a-z0-9+.-]*:\/\/[^/\s:@]+):[^/\s@]+@/gi, '$1:[redacted]@'],
];

/**
 * A container log line made fit for a chat message: credentials that logs commonly leak (`password=...`,
 * `Bearer ...`, `https://user:pass@host`) replaced, control characters dropped, length capped.
 */
export function redactLogLine(line: string): string {
  let text = [...line.replace(/\r$/, '')].filter((char) => !isControl(char)).join('');
  for (const [pattern, replacement] of RULES) text = text.replace(pattern, replacement);
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE - 1)}…` : text;
}

/** C0 controls and DEL, except tab: they would garble a chat message or a terminal. */
function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return (code < 0x20 && char !== '\t') || code === 0x7f;
}
