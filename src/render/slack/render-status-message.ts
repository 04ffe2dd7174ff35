import type { ProgressSnapshot, StepSnapshot } from '../../rollback/progress-snapshot.js';
import {
  context,
  divider,
  fallbackText,
  fields,
  header,
  LIMITS,
  packLines,
  section,
  type Block,
  type SlackMessage,
} from './block-kit.js';
import { describeProgress, userText } from './describe-progress.js';
import { renderApproval, renderRolledBackMark } from './render-approval.js';
import { warningsText } from './render-plan.js';
import { inlineCode, mrkdwnLink } from './escape-mrkdwn.js';
import { elapsedMs, formatDuration, slackTime } from './format-time.js';
import { ROLLBACK_ICONS, STEP_ICONS } from './state-icons.js';

export interface StatusMessageOptions {
  /** The report page for this rollback; linked when it is an http(s) URL. */
  reportUrl?: string;
}

/** Blocks around the steps: header, dry-run note, facts, two dividers, outcome, approvals and their
 * buttons, rolled-back mark, report link, times. */
const FIXED_BLOCKS = 13;

/**
 * The channel's status message for one rollback, redrawn from each snapshot and updated in place.
 * Pure: the same snapshot and options always give the same message.
 */
export function renderStatusMessage(
  snapshot: ProgressSnapshot,
  options: StatusMessageOptions = {},
): SlackMessage {
  const title = statusTitle(snapshot);
  const progress = describeProgress(snapshot);
  const blocks: Block[] = [header(`${ROLLBACK_ICONS[snapshot.state]} ${title}`)];
  if (snapshot.dryRun) blocks.push(section('🧪 *Dry run*: nothing will change.'));
  blocks.push(fields(facts(snapshot)));
  if (snapshot.warnings?.length) blocks.push(section(warningsText(snapshot.warnings)));
  blocks.push(divider());
  const stepLines = snapshot.steps.map(stepLine);
  const maxStepSections = LIMITS.blocksPerMessage - FIXED_BLOCKS;
  for (const text of packLines(stepLines.length > 0 ? stepLines : ['No steps.'], maxStepSections, 'steps')) {
    blocks.push(section(text));
  }
  blocks.push(
    divider(),
    section(progress.join('\n')),
    ...renderApproval(snapshot),
    ...renderRolledBackMark(snapshot),
  );
  if (options.reportUrl !== undefined && /^https?:\/\//i.test(options.reportUrl)) {
    blocks.push(section(`📄 ${mrkdwnLink(options.reportUrl, 'Open the full report')}`));
  }
  blocks.push(context([times(snapshot)]));
  return { text: fallbackText(`${title}: ${progress[0] ?? ''}`), blocks };
}

/** "Rollback of kaizen (production)", escaped. Also used by the job status answer. */
export function statusTitle(snapshot: ProgressSnapshot): string {
  return `Rollback of ${userText(snapshot.service, 60)} (${userText(snapshot.environment, 40)})${snapshot.dryRun ? ' · DRY RUN' : ''}`;
}

function facts(snapshot: ProgressSnapshot): string[] {
  const requester = `${userText(snapshot.requester.name, 80)} (via ${snapshot.requester.source})`;
  const list = [
    `*Version*\n${userText(snapshot.from, 200)} → ${userText(snapshot.to, 200)}`,
    `*Requested by*\n${requester}`,
    `*Strategy*\n${userText(snapshot.strategy, 80)}`,
    `*Job*\n${inlineCode(snapshot.jobId)}`,
  ];
  if (snapshot.reason !== undefined && snapshot.reason.trim() !== '')
    list.push(`*Reason*\n${userText(snapshot.reason, 1000)}`);
  return list;
}

/** "✅ *Pre-rollback checks* · 4 s · 3/3 pods ready" */
function stepLine(step: StepSnapshot): string {
  const parts = [`${STEP_ICONS[step.state]} *${userText(step.title, 150)}*`];
  const took = elapsedMs(step.startedAt, step.endedAt);
  if (took !== undefined) parts.push(formatDuration(took));
  else if (step.state === 'running' && step.startedAt !== undefined)
    parts.push(`since ${slackTime(step.startedAt)}`);
  if (step.summary !== undefined && step.summary.trim() !== '') parts.push(userText(step.summary, 300));
  else if (step.state === 'failed' && step.error !== undefined) parts.push(userText(step.error.message, 300));
  return parts.join(' · ');
}

function times(snapshot: ProgressSnapshot): string {
  const parts = [`Requested ${slackTime(snapshot.createdAt, '{date_short} {time}')}`];
  if (snapshot.startedAt !== undefined) parts.push(`started ${slackTime(snapshot.startedAt)}`);
  if (snapshot.endedAt !== undefined) parts.push(`ended ${slackTime(snapshot.endedAt)}`);
  return parts.join(' · ');
}
