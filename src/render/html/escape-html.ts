const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Makes any text inert in HTML, both between tags and inside quoted attribute values. Control characters
 * other than tab and line breaks (and the Unicode text-direction overrides) become U+FFFD, so a hostile
 * value can neither close a tag nor flip the reading order of what follows it.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/[&<>"'`]/g, (char) => ENTITIES[char] as string)
    .replace(/(?![\t\n\r])[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu, '\uFFFD');
}
