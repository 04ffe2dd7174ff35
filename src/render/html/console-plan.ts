import { knownGoodFacts } from '../plain-text/known-good-fact.js';
import { commandLine } from '../../commands/command-syntax.js';
import type { RollbackPlan } from '../../rollback/plan.js';
import { suggestCommand } from '../../errors/suggested-command.js';
import type { ApprovalState } from '../../rollback/progress-snapshot.js';
import { html, type SafeHtml } from './safe-html.js';
import { actionLines } from '../plain-text/action-lines.js';
import { responderFacts } from '../plain-text/responder-facts.js';
import type { ServiceResponders } from '../../commands/service-responders.js';

/**
 * The ephemeral answer to an accepted command: what will change, exactly, before it runs. Dry runs say
 * plainly that nothing will change.
 */
export function renderConsolePlan(
  plan: RollbackPlan,
  enqueued: boolean,
  awaitingApproval?: ApprovalState,
  responders?: ServiceResponders,
): SafeHtml {
  const dryRun = plan.request.dryRun;
  const reason = plan.request.reason;
  const knownGood = knownGoodFacts(plan).extra;
  return html`<div class="plan">
<h2>${dryRun ? 'Dry run plan' : 'Rollback plan'} for ${plan.service} <span class="env">(${plan.environment})</span></h2>
${dryRun ? html`<p class="tag-dry">Dry run: nothing will change. These are the steps and changes a real run would make.</p>` : ''}
<dl class="facts">
<div><dt>Current version</dt><dd>${plan.from}</dd></div>
<div><dt>Target</dt><dd><strong>${knownGoodFacts(plan).target}</strong></dd></div>
${knownGood ? html`<div class="known-good"><dt>${knownGood[0]}</dt><dd>${knownGood[1]}</dd></div>` : ''}
<div><dt>Strategy</dt><dd>${plan.strategy}</dd></div>
<div><dt>Requested by</dt><dd>${plan.request.requester.name} <span class="via">via ${plan.request.requester.source}</span></dd></div>
${dryRun ? '' : html`<div><dt>Job</dt><dd><code>${plan.jobId}</code></dd></div>`}
${reason === undefined || reason.trim() === '' ? '' : html`<div class="reason"><dt>Reason</dt><dd>${reason}</dd></div>`}
${responders ? responderFacts(responders).map(([name, value]) => html`<div class="responder"><dt>${name}</dt><dd>${value}</dd></div>`) : ''}
</dl>
${
  (plan.warnings ?? []).length === 0
    ? ''
    : html`<h3>Watch out</h3>
<ul class="plan-warnings">${(plan.warnings ?? []).map((w) => html`<li>${w}</li>`)}</ul>`
}
<h3>Steps</h3>
<ol class="plan-steps">${plan.steps.map((step) => html`<li>${step.title}</li>`)}</ol>
<h3>${dryRun ? 'Changes a real run would make' : 'Changes it will make'}</h3>
${plan.actions.length === 0 ? html`<p>None.</p>` : html`<pre class="actions-list">${actionLines(plan.actions).join('\n')}</pre>`}
<p class="plan-foot">${footNote(enqueued, dryRun, awaitingApproval)}${dryRun ? '' : html` Job <code>${plan.jobId}</code> · <code>${commandLine(suggestCommand('status', plan.jobId), 'chat')}</code>`}</p>
</div>`;
}

function footNote(enqueued: boolean, dryRun: boolean, approval: ApprovalState | undefined): string {
  if (enqueued) return 'Queued: the status message in the channel follows it.';
  if (dryRun) return 'Dry run: nothing was queued.';
  if (approval !== undefined) {
    const n = approval.required - approval.approvals.length;
    return `Waiting for ${n} approval${n === 1 ? '' : 's'} from someone other than you (Approve on the status message); nothing runs before that.`;
  }
  return 'Not queued.';
}

/** Grouped by target: a "# target" line, then that target's commands and API calls. */
