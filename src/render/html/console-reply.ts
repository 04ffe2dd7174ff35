import type { CommandReply, ReplyError } from '../../commands/command-reply.js';
import { commandLine, commandUsage } from '../../commands/command-syntax.js';
import { HELP_TEXT } from '../../commands/help-text.js';
import type { ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import type { VersionEntry } from '../../rollback/strategy.js';
import type { SuggestedCommand } from '../../errors/suggested-command.js';
import { codeSpans } from './code-spans.js';
import { html, type SafeHtml } from './safe-html.js';
import { consoleHeadline, ROLLBACK_STATE_LABELS } from './console-headline.js';
import { renderConsolePlan } from './console-plan.js';
import { responderFacts } from '../plain-text/responder-facts.js';
import type { ServiceResponders } from '../../commands/service-responders.js';

/**
 * The neutral answer to a command, drawn as an ephemeral console message ("Only visible to you") under
 * the command that was typed. Every text is escaped.
 */
export function renderConsoleReply(
  reply: CommandReply,
  typed: { name: string; text: string; clicked?: boolean },
): SafeHtml {
  const tone = reply.kind === 'error' ? 'ephemeral-error' : reply.kind === 'plan' ? 'ephemeral-plan' : '';
  return html`<article class="msg ephemeral ${tone}" data-reply="${reply.kind}">
<div class="msg-head"><span class="avatar" aria-hidden="true">RB</span><strong>rollback-bot</strong><span class="only-you">Only visible to you</span><button type="button" class="dismiss" data-dismiss aria-label="Dismiss">×</button></div>
<p class="typed"><span class="who">${typed.name}</span> ${typed.clicked === true ? 'clicked' : 'typed'} <code>${typed.text}</code></p>
${body(reply)}
</article>`;
}

function body(reply: CommandReply): SafeHtml {
  switch (reply.kind) {
    case 'plan':
      return renderConsolePlan(reply.plan, reply.enqueued, reply.awaitingApproval, reply.responders);
    case 'error':
      return renderConsoleError(reply.error);
    case 'help':
      return html`<pre class="help">${HELP_TEXT}</pre>`;
    case 'versions':
      return versions(reply.service, reply.entries, reply.notes ?? []);
    case 'status':
      return html`<ul class="recent">${statusLine(reply.snapshot)}</ul>`;
    case 'recent':
      return reply.snapshots.length === 0
        ? html`<p>${reply.title}: none yet.</p>`
        : html`<h3>${reply.title}</h3><ul class="recent">${reply.snapshots.map(statusLine)}</ul>`;
    case 'notice':
      return html`<p>${reply.text}</p>${reply.responders ? respondersList(reply.responders) : ''}${reply.next && reply.next.length > 0 ? tryCommands(reply.next) : ''}`;
  }
}

/** What was wrong, what to do (usage, commands to try, in `/rollback` syntax), and "did you mean". */
export function renderConsoleError(error: ReplyError): SafeHtml {
  const suggestions = (error.suggestions ?? []).filter((s) => s.trim() !== '').slice(0, 10);
  return html`<div class="error-reply">
<p class="error-message">✗ ${error.message}</p>
${error.hint === undefined || error.hint.trim() === '' ? '' : html`<p class="hint">${codeSpans(error.hint)}</p>`}
${error.usage ? html`<p class="usage">Usage: <code>${commandUsage(error.usage, 'chat')}</code></p>` : ''}
${error.next && error.next.length > 0 ? tryCommands(error.next) : ''}
${suggestions.length === 0 ? '' : html`<p>Did you mean ${suggestions.map((s, i) => html`${i > 0 ? ', ' : ''}<code>${s}</code>`)}?</p>`}
<p class="error-code">Error <code>${error.code}</code> · <code>/rollback help</code> shows the command grammar</p>
</div>`;
}

function versions(service: string, entries: VersionEntry[], notes: readonly string[]): SafeHtml {
  const said = notes.map((note) => html`<p class="plan-warnings">⚠️ ${note}</p>`);
  if (entries.length === 0)
    return html`<p>No versions of <strong>${service}</strong> to roll back to.</p>${said}`;
  const items = entries.map(
    (entry) =>
      html`<li><button type="button" class="fill" data-fill="/rollback ${service} ${entry.id}" title="Put this command in the box">${entry.id}</button> ${entry.description}${entry.current === true ? html` <strong class="current">← current</strong>` : ''}${entry.lastKnownGood === true ? html` <strong class="known-good">← last known good</strong>` : ''}</li>`,
  );
  return html`<h3>Versions of ${service}</h3><ul class="versions">${items}</ul>${said}<p class="plan-foot">Click a version to put <code>/rollback ${service} &lt;version&gt;</code> in the box.</p>`;
}

/** "Try:" and a button per command that puts it in the command box. */
function tryCommands(next: readonly SuggestedCommand[]): SafeHtml {
  const buttons = next.map((command) => {
    const line = commandLine(command, 'chat');
    return html` <button type="button" class="fill" data-fill="${line}" title="Put this command in the box">${line}</button>`;
  });
  return html`<p class="try">Try:${buttons}</p>`;
}

function statusLine(snapshot: ProgressSnapshot): SafeHtml {
  const done = snapshot.steps.filter((s) => s.state === 'done' || s.state === 'skipped').length;
  return html`<li class="status-line"><span class="badge badge-${snapshot.state}">${ROLLBACK_STATE_LABELS[snapshot.state]}</span> <strong>${snapshot.service}</strong> ${snapshot.from} → ${snapshot.to}: ${consoleHeadline(snapshot).line} <span class="via">Job <code>${snapshot.jobId}</code> · ${done}/${snapshot.steps.length} steps · ${snapshot.requester.name}</span></li>`;
}

/** On call now, contacts, dashboards and runbook, as in the plan. */
function respondersList(responders: ServiceResponders): SafeHtml {
  const facts = responderFacts(responders);
  return html`<dl class="facts">${facts.map(([name, value]) => html`<div class="responder"><dt>${name}</dt><dd>${value}</dd></div>`)}</dl>`;
}
