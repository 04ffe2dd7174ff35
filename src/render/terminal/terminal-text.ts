/**
 * Makes text from outside (reasons, pod logs, cluster messages) safe to print in a terminal: escape
 * sequences and other control characters become "?" (so nothing can move the cursor, retitle the window
 * or hide text), except line breaks and tabs. Text-direction overrides are removed the same way.
 */
export function terminalText(text: string): string {
  return text.replace(/(?![\t\n])[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu, '?');
}

/** One line: like terminalText, with line breaks turned into spaces. */
export function terminalLine(text: string): string {
  return terminalText(text).replace(/[\t\n]+/g, ' ');
}

/** Each line of `text` prefixed with `indent`, for multi-line details under a heading. */
export function indent(text: string, prefix = '    '): string {
  return terminalText(text)
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}
