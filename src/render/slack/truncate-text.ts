const ELLIPSIS = '…';

/**
 * Shortens already-escaped mrkdwn to at most `max` characters (UTF-16 units, as Slack counts), ending with
 * an ellipsis. Never splits an `&amp;` entity or a surrogate pair, so the result still renders cleanly.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max - ELLIPSIS.length);
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp !== -1 && amp >= cut - 5 && !text.slice(amp, cut).includes(';')) cut = amp;
  return `${text.slice(0, cut)}${ELLIPSIS}`;
}

/** Keeps the end of a long text (log output: the last lines matter most), saying how much was left out. */
export function truncateHead(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = `${ELLIPSIS} (${text.length - max} earlier characters left out)\n`;
  let start = text.length - (max - marker.length);
  const code = text.charCodeAt(start);
  if (code >= 0xdc00 && code <= 0xdfff) start += 1;
  const semicolon = text.indexOf(';', start);
  const amp = text.lastIndexOf('&', start);
  if (amp !== -1 && semicolon !== -1 && semicolon - amp <= 5 && amp < start) start = semicolon + 1;
  return `${marker}${text.slice(start)}`;
}
