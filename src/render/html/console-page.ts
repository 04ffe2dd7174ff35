import { html, type SafeHtml } from './safe-html.js';

export interface ConsolePageService {
  name: string;
  environment: string;
  strategy: string;
  description?: string;
}

export interface ConsolePageOptions {
  /** Status cards of recent rollbacks, oldest first (as a channel shows them). */
  cards: SafeHtml[];
  services: ConsolePageService[];
  /** Shown in the page title and header ("#incidents"). */
  channel: string;
}

/**
 * The local web console: a page that looks like an incident channel. The server renders everything; the
 * script (assets/console.js) sends commands, draws replies and replaces status cards from the event stream.
 */
export function renderConsolePage(options: ConsolePageOptions): SafeHtml {
  const example = options.services[0]?.name ?? 'my-service';
  const services = options.services.map(
    (s) =>
      html`<li><button type="button" class="fill" data-fill="/rollback versions ${s.name}">${s.name}</button> <span class="via">${s.environment} · ${s.strategy}${s.description === undefined ? '' : ` · ${s.description}`}</span></li>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.channel} · rollback-bot console</title>
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer></script>
</head>
<body>
<header class="top">
<div class="channel"><span class="hash">#</span>${options.channel.replace(/^#/, '')} <span class="mode">rollback-bot · local console</span></div>
<label class="me">You are <input id="me" name="me" autocomplete="nickname" maxlength="60" placeholder="your name" required></label>
<span id="live" class="live live-connecting" role="status">connecting…</span>
</header>
<main id="feed" class="feed" aria-live="polite">
<article class="msg bot intro">
<div class="msg-head"><span class="avatar" aria-hidden="true">RB</span><strong>rollback-bot</strong></div>
<p>This is the local console: the same commands, plans, status messages, threads and checklists as the Slack app, without Slack. Type <code>/rollback help</code> for the grammar, or <code>/rollback ${example} &lt;version&gt;</code> to roll back.</p>
${services.length === 0 ? html`<p>The service catalog is empty: add a service YAML to the services directory.</p>` : html`<p>Services in the catalog (click one to list its versions):</p><ul class="services">${services}</ul>`}
</article>
${options.cards}
</main>
<form id="composer" class="composer" autocomplete="off">
<label for="command" class="prefix">/rollback</label>
<input id="command" name="command" maxlength="1000" placeholder="${example} v0.7.0 --reason &quot;errors after the deploy&quot;" spellcheck="false">
<button type="submit" class="btn btn-send">Send</button>
</form>
</body>
</html>`;
}
