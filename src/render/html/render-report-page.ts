import type { AuditEntry } from '../../rollback/ports/audit-log.js';
import type { RollbackPlan } from '../../rollback/plan.js';
import { isFinished, type ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import { describeProgressText, utcTime } from '../plain-text/describe-progress-text.js';
import { elapsedMs, formatDuration } from '../slack/format-time.js';
import {
  auditSection,
  laterSections,
  peopleSection,
  type ReportLinks,
  planSection,
  stateBadge,
  stepsSection,
  timeTag,
} from './report-sections.js';
import { checklistsSection, type ChecklistForm } from './report-checklists.js';
import { REPORT_STYLES } from './report-styles.js';
import { notificationsSection } from './notifications-section.js';
import type { NotificationTimeline } from '../../rollback/ports/notification-outbox.js';
import { html, type SafeHtml } from './safe-html.js';

export interface ReportPageInput {
  snapshot: ProgressSnapshot;
  /** The stored plan (for the exact changes); missing once it expired. */
  plan?: RollbackPlan;
  /** This job's audit entries, newest first. */
  audit?: readonly AuditEntry[];
  /** The service's policy, to say whether approval was needed. */
  approvalsRequired?: number;
  /** The rollback's notifications (sent and still waiting); absent: not shown. */
  notifications?: NotificationTimeline;
  /** When the page is drawn (shown at the bottom). */
  now?: Date;
  /** Downloads of the evidence and the post-mortem draft (absent: listed without links). */
  links?: ReportLinks;
  /** The checklist form (absent: the checklists are shown read-only). Only used once the rollback ended. */
  checklistForm?: ChecklistForm;
}

/** While a rollback runs, the page reloads itself this often (no script needed). */
const REFRESH_SECONDS = 5;

/**
 * The report page of one rollback, as a complete HTML document: what was planned, who asked and approved,
 * every step with timings, details and errors, the outcome, the checklists and the audit trail.
 * Every value is escaped by the `html` template; the page has no script.
 */
export function renderReportPage(input: ReportPageInput): string {
  const { snapshot } = input;
  const audit = input.audit ?? [];
  const [headline, ...more] = describeProgressText(snapshot);
  const took = elapsedMs(snapshot.startedAt, snapshot.endedAt);
  const title = `Rollback of ${snapshot.service} (${snapshot.environment})${snapshot.dryRun ? ' · dry run' : ''}`;
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        ${isFinished(snapshot) ? '' : html`<meta http-equiv="refresh" content="${REFRESH_SECONDS}" />`}
        <title>${title} · ${snapshot.jobId}</title>
        <style>
          ${REPORT_STYLES}
        </style>
      </head>
      <body>
        <header>
          <h1>${title}</h1>
          <p>
            ${stateBadge(snapshot.state)} <span class="muted">Job <code>${snapshot.jobId}</code></span>
          </p>
          ${snapshot.dryRun ? html`<p><strong>Dry run:</strong> nothing was changed.</p>` : ''}
        </header>
        <section id="outcome">
          <p class="headline">${headline ?? ''}</p>
          ${more.map((line) => html`<p class="hint">${line}</p>`)} ${outcomeError(snapshot)}
        </section>
        <dl class="facts">
          <dt>Version</dt>
          <dd>${snapshot.from} → ${snapshot.to}</dd>
          <dt>Strategy</dt>
          <dd>${snapshot.strategy}</dd>
          <dt>Requested</dt>
          <dd>${timeTag(snapshot.createdAt)}</dd>
          <dt>Started</dt>
          <dd>${timeTag(snapshot.startedAt)}</dd>
          <dt>Ended</dt>
          <dd>${timeTag(snapshot.endedAt)}</dd>
          <dt>Took</dt>
          <dd>${took === undefined ? html`<span class="muted">—</span>` : formatDuration(took)}</dd>
        </dl>
        ${peopleSection(snapshot, audit, input.approvalsRequired)} ${planSection(snapshot, input.plan)}
        ${stepsSection(snapshot)} ${checklistsSection(
          snapshot.checklists,
          snapshot.prerequisites,
          isFinished(snapshot) ? input.checklistForm : undefined,
        )}
        ${notificationsSection(input.notifications)} ${auditSection(audit)}
        ${laterSections(snapshot.evidence ?? [], input.links)}
        <footer>
          <p class="muted">
            Snapshot version ${snapshot.version}, drawn
            ${utcTime((input.now ?? new Date()).toISOString())}.${isFinished(snapshot) ? '' : ` This page reloads every ${REFRESH_SECONDS} s while the rollback runs.`}
          </p>
        </footer>
      </body>
    </html> `;
  return page.value;
}

function outcomeError(snapshot: ProgressSnapshot): SafeHtml | string {
  const error = snapshot.outcome?.error;
  if (error === undefined || snapshot.steps.some((s) => s.error !== undefined)) return '';
  return html`<p class="error"><strong>${error.code}</strong>: ${error.message}</p>`;
}

/** A small page for "no such rollback" and access errors, with the same escaping. */
export function renderMessagePage(heading: string, text: string): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="referrer" content="no-referrer" />
        <title>${heading}</title>
        <style>
          ${REPORT_STYLES}
        </style>
      </head>
      <body>
        <h1>${heading}</h1>
        <p>${text}</p>
      </body>
    </html> `.value;
}
