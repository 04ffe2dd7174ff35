import { html, type SafeHtml } from './safe-html.js';

/**
 * A time as the server renders it (UTC, so output depends only on the input); the console's script turns
 * each `<time datetime>` into the reader's local time.
 */
export function consoleTime(iso: string, withDate = false): SafeHtml {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return html`<time>${iso}</time>`;
  const utc = new Date(ms).toISOString();
  const text = withDate ? `${utc.slice(0, 10)} ${utc.slice(11, 19)} UTC` : `${utc.slice(11, 19)} UTC`;
  return html`<time datetime="${utc}"${withDate ? html` data-date` : ''}>${text}</time>`;
}
