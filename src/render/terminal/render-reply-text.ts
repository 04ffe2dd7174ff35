import { knownGoodFacts } from '../plain-text/known-good-fact.js';
import type { CommandReply, ReplyError } from '../../commands/command-reply.js';
import { commandLine, commandUsage } from '../../commands/command-syntax.js';
import { HELP_TEXT } from '../../commands/help-text.js';
import type { PlannedAction, RollbackPlan } from '../../rollback/plan.js';
import type { ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import type { SuggestedCommand } from '../../errors/suggested-command.js';
import { describeProgressText, stepsFinished } from '../plain-text/describe-progress-text.js';
import type { ServiceResponders } from '../../commands/service-responders.js';
import { responderFacts } from '../plain-text/responder-facts.js';
import { ROLLBACK_SYMBOLS } from './step-symbols.js';
import { indent, terminalLine, terminalText } from './terminal-text.js';

export interface ReplyTextOptions {
  /** The report page of a planned job, shown when set. */
  reportUrl?: string;
  /** The CLI follows the queued job right below the plan (`--follow`), so the plan does not say how to. */
  following?: boolean;
}

/**
 * Draws the neutral answer to a command as terminal text: the same facts and messages the Slack renderer
 * shows (plan, error with hint and "did you mean", versions, status), as plain lines.
 */
export function renderReplyText(reply: CommandReply, options: ReplyTextOptions = {}): string {
  switch (reply.kind) {
    case 'plan':
      return renderPlanText(reply.plan, reply.enqueued, options, reply.responders);
    case 'error':
      return renderErrorText(reply.error);
    case 'help':
      return terminalText(HELP_TEXT);
    case 'versions': {
      const notes = (reply.notes ?? []).map((n) => `! ${terminalLine(n)}`);
      if (reply.entries.length === 0)
        return [`No versions of ${terminalLine(reply.service)} to roll back to.`, ...notes].join('\n');
      const lines = reply.entries.map(
        (e) =>
          `  ${terminalLine(e.id)}  ${terminalLine(e.description)}${e.current === true ? '  ← current' : ''}${e.lastKnownGood === true ? '  ← last known good' : ''}`,
      );
      return [`Versions of ${terminalLine(reply.service)}:`, ...lines, ...notes].join('\n');
    }
    case 'status':
      return renderStatusText(reply.snapshot);
    case 'recent':
      return reply.snapshots.length === 0
        ? `${terminalLine(reply.title)}: none yet.`
        : [`${terminalLine(reply.title)}:`, ...reply.snapshots.map(renderStatusText)].join('\n\n');
    case 'notice':
      return [
        terminalText(reply.text),
        ...(reply.responders ? respondersLines(reply.responders) : []),
        ...tryLines(reply.next ?? [], ''),
      ].join('\n');
  }
}

/** "✖ message", the hint, the usage line and commands to try (in CLI syntax), "Did you mean ...?", the code. */
export function renderErrorText(error: ReplyError): string {
  const lines = [`✖ ${terminalText(error.message)}`];
  if (error.hint !== undefined && error.hint.trim() !== '') lines.push(`  Hint: ${terminalText(error.hint)}`);
  if (error.usage) lines.push(`  Usage: ${commandUsage(error.usage, 'cli')}`);
  lines.push(...tryLines(error.next ?? [], '  '));
  const suggestions = (error.suggestions ?? []).filter((s) => s.trim() !== '').slice(0, 10);
  if (suggestions.length > 0) lines.push(`  Did you mean ${suggestions.map(terminalLine).join(', ')}?`);
  lines.push(`  (error ${terminalLine(error.code)})`);
  return lines.join('\n');
}

/** "Try: rollback-bot status X", one command a line. */
function tryLines(next: readonly SuggestedCommand[], indent: string): string[] {
  return next.map(
    (command, index) =>
      `${indent}${index === 0 ? 'Try: ' : '     '}${terminalLine(commandLine(command, 'cli'))}`,
  );
}

function renderPlanText(
  plan: RollbackPlan,
  enqueued: boolean,
  options: ReplyTextOptions,
  responders?: ServiceResponders,
): string {
  const dryRun = plan.request.dryRun;
  const facts: [string, string][] = [
    ['Service', `${plan.service} (${plan.environment})`],
    ['Strategy', plan.strategy],
    ['Current', plan.from],
    ['Target', knownGoodFacts(plan).target],
    ...(knownGoodFacts(plan).extra ? [knownGoodFacts(plan).extra as [string, string]] : []),
    ['Requested by', `${plan.request.requester.name} (via ${plan.request.requester.source})`],
  ];
  if (plan.request.reason !== undefined && plan.request.reason.trim() !== '')
    facts.push(['Reason', plan.request.reason]);
  // A dry run is never queued: its id names no job anyone could look up.
  if (!dryRun) facts.push(['Job', plan.jobId]);
  const lines = [
    `${dryRun ? 'Dry run plan' : 'Rollback plan'} for ${terminalLine(plan.service)} (${terminalLine(plan.environment)})`,
  ];
  if (dryRun)
    lines.push('Dry run: nothing will change. These are the steps and changes a real run would make.');
  lines.push(...facts.map(([name, value]) => `  ${`${name}:`.padEnd(14)}${terminalLine(value)}`));
  if (plan.warnings && plan.warnings.length > 0)
    lines.push('Watch out:', ...plan.warnings.map((w) => `  ! ${terminalLine(w)}`));
  if (responders) lines.push(...respondersLines(responders));
  lines.push('Steps:', ...plan.steps.map((s, i) => `  ${i + 1}. ${terminalLine(s.title)}`));
  lines.push(dryRun ? 'Changes a real run would make:' : 'Changes it will make:');
  lines.push(plan.actions.length === 0 ? '  None.' : actionLines(plan.actions));
  if (dryRun) lines.push('Dry run: nothing was queued.');
  else if (enqueued && options.following)
    lines.push('Queued. Following it (Ctrl-C stops following, not the rollback):');
  else if (enqueued) lines.push(`Queued. See where it stands: rollback-bot status ${plan.jobId}`);
  if (options.reportUrl !== undefined && !dryRun) lines.push(`Report: ${terminalLine(options.reportUrl)}`);
  return lines.join('\n');
}

/** On call now (PagerDuty), contacts, dashboards and runbook, as in the Slack plan. */
function respondersLines(r: ServiceResponders): string[] {
  return responderFacts(r).map(([name, value]) => `  ${`${name}:`.padEnd(14)}${terminalLine(value)}`);
}

function actionLines(actions: PlannedAction[]): string {
  const lines: string[] = [];
  let lastTarget: string | undefined;
  for (const action of actions) {
    if (action.target !== lastTarget) {
      lines.push(`  # ${terminalLine(action.target)}`);
      lastTarget = action.target;
    }
    lines.push(indent(action.description, '    '));
  }
  return lines.join('\n');
}

/** Where one rollback stands, in a few lines. */
export function renderStatusText(snapshot: ProgressSnapshot): string {
  const { finished, total } = stepsFinished(snapshot);
  const title = `${ROLLBACK_SYMBOLS[snapshot.state]} Rollback of ${terminalLine(snapshot.service)} (${terminalLine(snapshot.environment)}), ${terminalLine(snapshot.from)} → ${terminalLine(snapshot.to)}${snapshot.dryRun ? ' · DRY RUN' : ''}`;
  return [
    title,
    ...describeProgressText(snapshot).map((line) => `  ${terminalLine(line)}`),
    `  Job ${snapshot.jobId} · ${snapshot.state.replace('_', ' ')} · ${finished}/${total} steps over · requested by ${terminalLine(snapshot.requester.name)} (via ${snapshot.requester.source})`,
  ].join('\n');
}
