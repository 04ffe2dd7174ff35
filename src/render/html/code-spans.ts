import { html, type SafeHtml } from './safe-html.js';

/**
 * Text in which `backticks` mark code (a command, a path, a unit name), as checklists and hints write it:
 * each span becomes <code>, everything escaped. An unpaired backtick stays as typed.
 */
export function codeSpans(text: string): SafeHtml {
  const parts = text.split('`');
  if (parts.length < 3) return html`${text}`;
  const closed = parts.length % 2 === 1 ? parts : [...parts.slice(0, -2), `${parts.at(-2)}\`${parts.at(-1)}`];
  return html`${closed.map((part, index) => (index % 2 === 1 ? html`<code>${part}</code>` : part))}`;
}
