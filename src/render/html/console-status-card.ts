import { isFinished, type ProgressSnapshot, type StepSnapshot } from '../../rollback/progress-snapshot.js';
import { elapsedMs } from '../slack/format-time.js';
import { codeSpans } from './code-spans.js';
import { html, type SafeHtml } from './safe-html.js';
import {
  consoleDuration,
  consoleHeadline,
  ROLLBACK_STATE_LABELS,
  STEP_STATE_ICONS,
} from './console-headline.js';
import { renderConsoleThread } from './console-thread.js';
import { consoleTime } from './console-time.js';
import { warningList } from './warning-list.js';

export interface ConsoleCardOptions {
  /** Whether the console can approve (an approval service is wired); the Approve button shows only then. */
  canApprove: boolean;
  /** Whether the console can tick checklist items (a checklist service is wired): checkboxes then. */
  canTick?: boolean;
  /** Link to the rollback's report page, when there is one. */
  reportUrl?: string;
}

/**
 * The channel's status message for one rollback, as an HTML fragment redrawn from each snapshot and
 * replaced in place by the console's script (matched by `id`, newer `data-version` wins). Pure.
 */
export function renderConsoleStatusCard(snapshot: ProgressSnapshot, options: ConsoleCardOptions): SafeHtml {
  const headline = consoleHeadline(snapshot);
  const state = snapshot.state;
  return html`<article class="msg bot status-card state-${state}" id="${cardId(snapshot.jobId)}" data-job-id="${snapshot.jobId}" data-version="${snapshot.version}" data-state="${state}">
<div class="msg-head"><span class="avatar" aria-hidden="true">RB</span><strong>rollback-bot</strong> ${consoleTime(snapshot.createdAt)}</div>
<div class="card">
<div class="card-title"><span class="badge badge-${state}" data-testid="state">${ROLLBACK_STATE_LABELS[state]}</span><h2>Rollback of ${snapshot.service} <span class="env">(${snapshot.environment})</span></h2>${snapshot.dryRun ? html`<span class="tag-dry">DRY RUN · nothing changes</span>` : ''}</div>
<p class="outcome" data-testid="outcome">${headline.line}</p>
${headline.hint === undefined ? '' : html`<p class="hint">What to do: ${codeSpans(headline.hint)}</p>`}
${snapshot.cancelRequested === undefined || isFinished(snapshot) ? '' : html`<p class="note">Cancel requested by ${snapshot.cancelRequested.by.name} at ${consoleTime(snapshot.cancelRequested.at)}; the job stops at the next safe point.</p>`}
<dl class="facts">
<div><dt>Version</dt><dd>${snapshot.from} → <strong>${snapshot.to}</strong></dd></div>
<div><dt>Requested by</dt><dd>${snapshot.requester.name} <span class="via">via ${snapshot.requester.source}</span></dd></div>
<div><dt>Strategy</dt><dd>${snapshot.strategy}</dd></div>
<div><dt>Job</dt><dd><code>${snapshot.jobId}</code></dd></div>
${snapshot.reason === undefined || snapshot.reason.trim() === '' ? '' : html`<div class="reason"><dt>Reason</dt><dd>${snapshot.reason}</dd></div>`}
${approvalFact(snapshot)}
</dl>
${warningList(snapshot.warnings)}
<ol class="steps">${snapshot.steps.map(stepItem)}</ol>
${actions(snapshot, options)}
<p class="times">Requested ${consoleTime(snapshot.createdAt, true)}${snapshot.startedAt === undefined ? '' : html` · started ${consoleTime(snapshot.startedAt)}`}${snapshot.endedAt === undefined ? '' : html` · ended ${consoleTime(snapshot.endedAt)}`}${reportLink(options.reportUrl)}</p>
</div>
${renderConsoleThread(snapshot, { canTick: options.canTick === true })}
</article>`;
}

/** The element id of a job's card: job ids are `[A-Za-z0-9-]`, but anything else is replaced anyway. */
export function cardId(jobId: string): string {
  return `job-${jobId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function stepItem(step: StepSnapshot, index: number): SafeHtml {
  const took = elapsedMs(step.startedAt, step.endedAt);
  const meta: (SafeHtml | string)[] = [];
  if (took !== undefined) meta.push(consoleDuration(took));
  else if (step.state === 'running' && step.startedAt !== undefined)
    meta.push(html`<span class="elapsed" data-since="${step.startedAt}">running</span>`);
  if (step.summary !== undefined && step.summary.trim() !== '') meta.push(step.summary);
  else if (step.state === 'failed' && step.error !== undefined) meta.push(step.error.message);
  const joined = meta.map((part, i) => html`${i > 0 ? ' · ' : ''}${part}`);
  return html`<li class="step step-${step.state}" data-step="${step.id}"><span class="step-icon" aria-label="${step.state}">${STEP_STATE_ICONS[step.state]}</span><span class="step-num">${index + 1}.</span><span class="step-title">${step.title}</span>${meta.length > 0 ? html`<span class="step-meta">${joined}</span>` : ''}</li>`;
}

function approvalFact(snapshot: ProgressSnapshot): SafeHtml | string {
  const approval = snapshot.approval;
  if (approval === undefined) return '';
  const who = approval.approvals.map((a) => a.name).join(', ');
  return html`<div><dt>Approvals</dt><dd>${approval.approvals.length} of ${approval.required}${who === '' ? '' : html` (${who})`} · ${approval.state}</dd></div>`;
}

function actions(snapshot: ProgressSnapshot, options: ConsoleCardOptions): SafeHtml | string {
  if (isFinished(snapshot) || snapshot.cancelRequested !== undefined) return '';
  const job = snapshot.jobId;
  const approve =
    snapshot.state === 'awaiting_approval' && options.canApprove
      ? html`<button type="button" class="btn btn-approve" data-action="approve" data-job-id="${job}">Approve</button>`
      : '';
  return html`<div class="actions">${approve}<button type="button" class="btn btn-cancel" data-action="cancel" data-job-id="${job}">Cancel rollback</button></div>`;
}

function reportLink(url: string | undefined): SafeHtml | string {
  if (url === undefined || !/^(https?:\/\/|\/)/i.test(url)) return '';
  return html` · <a href="${url}" target="_blank" rel="noopener">Open the full report</a>`;
}
