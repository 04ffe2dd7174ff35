/**
 * Escapes text for Slack mrkdwn: `&`, `<` and `>` become entities, so user text such as `<!channel>` or
 * `<http://evil|x>` shows as typed instead of pinging or linking. Slack asks for exactly these three.
 */
export function escapeMrkdwn(text: string): string {
  if (!/[&<>]/.test(text)) return text;
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Escaped inline code: backticks and line breaks, which would end or break the span, are replaced. */
export function inlineCode(text: string): string {
  const clean = escapeMrkdwn(text)
    .replaceAll('`', "'")
    .replace(/\s*[\r\n]+\s*/g, ' ');
  return `\`${clean === '' ? ' ' : clean}\``;
}

/** Escaped text for inside a ``` block: a ``` in the text would close the block, so it is broken up. */
export function escapeCodeBlock(text: string): string {
  return escapeMrkdwn(text).replaceAll('```', '`\u200b`\u200b`');
}

/**
 * A link, or the escaped text alone when the URL is not http(s). `|` and `>` would end the link early, so
 * they are percent-encoded; `&` is escaped as Slack asks.
 */
export function mrkdwnLink(url: string, label: string): string {
  if (!/^https?:\/\//i.test(url)) return escapeMrkdwn(label);
  const safeUrl = url
    .replaceAll('|', '%7C')
    .replaceAll('<', '%3C')
    .replaceAll('>', '%3E')
    .replaceAll('&', '&amp;');
  return `<${safeUrl}|${escapeMrkdwn(label).replaceAll('|', '¦')}>`;
}
