import type { AuditEntry } from '../../rollback/ports/audit-log.js';
import type { PlannedAction, RollbackPlan } from '../../rollback/plan.js';
import type { EvidenceRef, ProgressSnapshot, StepSnapshot } from '../../rollback/progress-snapshot.js';
import { utcTime } from '../plain-text/describe-progress-text.js';
import { elapsedMs, formatDuration } from '../slack/format-time.js';
import { codeSpans } from './code-spans.js';
import { html, type SafeHtml } from './safe-html.js';

/** A `<time>` with the UTC reading; empty for a missing time. */
export function timeTag(iso: string | undefined): SafeHtml {
  return iso === undefined
    ? html`<span class="muted">—</span>`
    : html`<time datetime="${iso}">${utcTime(iso)}</time>`;
}

export function stateBadge(state: string): SafeHtml {
  return html`<span class="state state-${state.replace(/[^a-z_]/g, '')}">${state.replace('_', ' ')}</span>`;
}

/** Who asked, and who approved (or that approval was skipped or not needed). */
export function peopleSection(
  snapshot: ProgressSnapshot,
  audit: readonly AuditEntry[],
  approvalsRequired: number | undefined,
): SafeHtml {
  const r = snapshot.requester;
  const breakGlass = audit.find((e) => e.type === 'break_glass');
  let approval: SafeHtml;
  if (snapshot.approval !== undefined) {
    const a = snapshot.approval;
    const list = a.approvals.map(
      (p) => html`<li>${p.name} <span class="muted">(${p.id})</span> at ${timeTag(p.at)}</li>`,
    );
    approval = html`${stateBadge(a.state)} ${a.approvals.length} of ${a.required} approval(s), expires
    ${timeTag(a.expiresAt)}
    ${
      list.length > 0
        ? html`<ul>
            ${list}
          </ul>`
        : html`<p class="muted">No approvals yet.</p>`
    }`;
  } else if (breakGlass !== undefined) {
    approval = html`<strong>Skipped with break-glass</strong> by ${breakGlass.actor.name} (via
      ${breakGlass.actor.source}) at
      ${timeTag(breakGlass.at)}${breakGlass.detail === undefined ? '' : html`: ${breakGlass.detail}`}`;
  } else if (approvalsRequired !== undefined && approvalsRequired > 0) {
    approval = html`${approvalsRequired} approval(s) required; none recorded for this rollback.`;
  } else {
    approval = html`Not required for this service.`;
  }
  return html`<h2 id="people">Who</h2>
    <dl class="facts">
      <dt>Requested by</dt>
      <dd>${r.name} <span class="muted">(${r.id}, via ${r.source})</span></dd>
      <dt>Reason</dt>
      <dd>
        ${snapshot.reason === undefined || snapshot.reason.trim() === '' ? html`<span class="muted">none given</span>` : snapshot.reason}
      </dd>
      <dt>Approval</dt>
      <dd>${approval}</dd>
      ${
        snapshot.cancelRequested === undefined
          ? ''
          : html`<dt>Cancel requested</dt>
              <dd>by ${snapshot.cancelRequested.by.name} at ${timeTag(snapshot.cancelRequested.at)}</dd>`
      }
    </dl>`;
}

/** The plan as it was resolved when accepted: the steps and the exact changes, grouped by target. */
export function planSection(snapshot: ProgressSnapshot, plan: RollbackPlan | undefined): SafeHtml {
  const steps = plan?.steps ?? snapshot.steps.map((s) => ({ id: s.id, title: s.title }));
  const actions = plan?.actions ?? [];
  const targets = new Map<string, PlannedAction[]>();
  for (const action of actions) targets.set(action.target, [...(targets.get(action.target) ?? []), action]);
  return html`<h2 id="plan">Plan</h2>
    <ol>
      ${steps.map((s) => html`<li>${s.title}</li>`)}
    </ol>
    <h3>${snapshot.dryRun ? 'Changes a real run would make' : 'Changes'}</h3>
    ${
      actions.length === 0
        ? html`<p class="muted">${plan === undefined ? 'The stored plan has expired.' : 'None.'}</p>`
        : [...targets].map(
            ([target, list]) =>
              html`<p><strong>${target}</strong></p>
                <pre>${list.map((a) => a.description).join('\n')}</pre>`,
          )
    }`;
}

/** Every step with its timings, summary, error and the details it reported. */
export function stepsSection(snapshot: ProgressSnapshot): SafeHtml {
  const rows = snapshot.steps.map((step, i) => stepRows(snapshot, step, i));
  return html`<h2 id="steps">Steps</h2>
    <table>
      <thead>
        <tr>
          <th>#</th>
          <th>Step</th>
          <th>State</th>
          <th>Started</th>
          <th>Ended</th>
          <th>Took</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;
}

function stepRows(snapshot: ProgressSnapshot, step: StepSnapshot, index: number): SafeHtml {
  const took = elapsedMs(step.startedAt, step.endedAt);
  const details = snapshot.details.filter((d) => d.stepId === step.id);
  const extra: SafeHtml[] = [];
  if (step.summary !== undefined && step.summary.trim() !== '') extra.push(html`<div>${step.summary}</div>`);
  if (step.error !== undefined) {
    extra.push(html`<div class="error"><strong>${step.error.code}</strong>: ${step.error.message}</div>`);
    if (step.error.hint !== undefined)
      extra.push(html`<div class="hint">Hint: ${codeSpans(step.error.hint)}</div>`);
  }
  for (const detail of details)
    extra.push(
      html`<div class="muted">${timeTag(detail.at)}</div>
        <pre>${detail.text}</pre>`,
    );
  return html`<tr id="step-${step.id}">
      <td>${index + 1}</td>
      <td>${step.title}</td>
      <td>${stateBadge(step.state)}</td>
      <td>${timeTag(step.startedAt)}</td>
      <td>${timeTag(step.endedAt)}</td>
      <td>${took === undefined ? '' : formatDuration(took)}</td>
    </tr>
    ${
      extra.length > 0
        ? html`<tr>
            <td></td>
            <td colspan="5">${extra}</td>
          </tr>`
        : ''
    }`;
}

export function auditSection(audit: readonly AuditEntry[]): SafeHtml {
  if (audit.length === 0)
    return html`<h2 id="audit">Audit trail</h2>
      <p class="muted">No audit entries for this job.</p>`;
  const rows = [...audit].reverse().map(
    (e) =>
      html`<tr>
        <td>${timeTag(e.at)}</td>
        <td>${e.type}</td>
        <td>${e.actor.name} <span class="muted">(${e.actor.source})</span></td>
        <td>${e.detail ?? ''}</td>
      </tr>`,
  );
  return html`<h2 id="audit">Audit trail</h2>
    <table>
      <thead>
        <tr>
          <th>When</th>
          <th>What</th>
          <th>Who</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;
}

/** Links the report page gives, carrying the page's own access (its signed-link query). */
export interface ReportLinks {
  /** The n-th evidence bundle of the rollback (`.tar.gz`). */
  bundle(index: number): string;
  /** The post-mortem draft (Markdown). */
  postmortem: string;
}

/** The rollback's evidence bundles with their downloads, and the post-mortem draft; stable anchors for links. */
export function laterSections(evidence: readonly EvidenceRef[], links: ReportLinks | undefined): SafeHtml {
  const rows = evidence.map(
    (b, i) => html`<tr>
      <td>${b.label}</td>
      <td>${b.target}</td>
      <td>${Math.max(1, Math.round(b.bytes / 1024))} KiB</td>
      <td>${b.failed.length ? b.failed.join('; ') : html`<span class="muted">—</span>`}</td>
      <td>${links ? html`<a href="${links.bundle(i)}">download</a>` : html`<code>${b.id}</code>`}</td>
    </tr>`,
  );
  return html`<h2 id="evidence">Evidence</h2>
    ${
      evidence.length === 0
        ? html`<p class="placeholder">No evidence bundle was taken for this rollback.</p>`
        : html`<table>
          <thead>
            <tr>
              <th>Bundle</th>
              <th>Target</th>
              <th>Size</th>
              <th>Not collected</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>`
    }
    <h2 id="post-mortem">Post-mortem</h2>
    ${
      links
        ? html`<p>
          <a href="${links.postmortem}">Post-mortem draft (Markdown)</a>: timeline, versions, evidence and its
          diff, checklists; root cause and follow-up left for you.
        </p>`
        : html`<p class="placeholder">The post-mortem draft: <code>rollback-bot postmortem &lt;job&gt;</code>.</p>`
    }`;
}
