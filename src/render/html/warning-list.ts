import { html, type SafeHtml } from './safe-html.js';

/** The plan's marks (forward, unlisted) and warnings (config drift, registry), as a list; empty without any. */
export function warningList(warnings: readonly string[] | undefined): SafeHtml | string {
  if (!warnings || warnings.length === 0) return '';
  return html`<div class="warnings" data-testid="warnings"><strong>Before you go</strong><ul>${warnings.map((w) => html`<li>${w}</li>`)}</ul></div>`;
}
