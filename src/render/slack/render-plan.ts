import { knownGoodFacts } from '../plain-text/known-good-fact.js';
import { commandLine } from '../../commands/command-syntax.js';
import type { RollbackPlan } from '../../rollback/plan.js';
import { suggestCommand } from '../../errors/suggested-command.js';
import type { ApprovalState } from '../../rollback/progress-snapshot.js';
import type { Checklist } from '../../rollback/progress-snapshot.js';
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
import { codeSections } from './code-sections.js';
import { userText } from './describe-progress.js';
import { inlineCode, mrkdwnLink } from './escape-mrkdwn.js';
import { slackTime } from './format-time.js';
import { actionLines } from '../plain-text/action-lines.js';
import type { ServiceResponders } from '../../commands/service-responders.js';
import { respondersBlocks } from './render-responders.js';

export interface PlanOptions {
  /** The report page for this rollback; linked when it is an http(s) URL. */
  reportUrl?: string;
  /** Set when the plan waits for approvals before anything runs. */
  approval?: ApprovalState;
  /** On call now, contacts, dashboards and runbook of the service. */
  responders?: ServiceResponders;
}

/** Blocks besides steps and actions: header, dry-run note, approval note, facts, divider, context, link. */
const FIXED_BLOCKS = 8;

/**
 * The ephemeral answer to an accepted command: what will change, exactly, before it runs.
 * Dry runs say plainly that nothing will change.
 */
export function renderPlan(plan: RollbackPlan, options: PlanOptions = {}): SlackMessage {
  const dryRun = plan.request.dryRun;
  const target = `${userText(plan.service, 60)} (${userText(plan.environment, 40)})`;
  const blocks: Block[] = [header(`${dryRun ? '🧪 Dry run plan' : '📋 Rollback plan'} for ${target}`)];
  if (dryRun)
    blocks.push(
      section('🧪 *Dry run: nothing will change.* These are the steps and changes a real run would make.'),
    );
  const approval = options.approval;
  if (approval !== undefined) {
    const n = approval.required;
    blocks.push(
      section(
        `✋ *Waiting for ${n} approval${n === 1 ? '' : 's'}*: nothing runs until then. The plan is in the channel with *Approve* and *Cancel* buttons; you cannot approve your own rollback. It expires at ${slackTime(approval.expiresAt)}.`,
      ),
    );
  }
  blocks.push(fields(facts(plan)));
  const warnings = plan.warnings ?? [];
  if (warnings.length > 0) blocks.push(section(warningsText(warnings)));
  blocks.push(divider());

  const who = options.responders ? respondersBlocks(options.responders) : [];
  blocks.push(...who);
  const room =
    LIMITS.blocksPerMessage -
    FIXED_BLOCKS -
    who.length -
    (plan.prerequisites ? 1 : 0) -
    (warnings.length > 0 ? 1 : 0);
  const stepLines = plan.steps.map((step, index) => `${index + 1}. ${userText(step.title, 200)}`);
  const stepTexts = packLines(
    stepLines.length > 0 ? stepLines : ['No steps.'],
    Math.floor(room / 2),
    'steps',
  );
  stepTexts.forEach((text, index) => blocks.push(section(index === 0 ? `*Steps*\n${text}` : text)));
  const actionIntro = dryRun ? '*Changes a real run would make*\n' : '*Changes it will make*\n';
  const actionTexts =
    plan.actions.length > 0
      ? codeSections(actionLines(plan.actions), room - stepTexts.length, actionIntro)
      : [`${actionIntro}None.`];
  for (const text of actionTexts) blocks.push(section(text));
  if (plan.prerequisites) blocks.push(section(prerequisitesText(plan.prerequisites)));

  if (options.reportUrl !== undefined && /^https?:\/\//i.test(options.reportUrl)) {
    blocks.push(section(`📄 ${mrkdwnLink(options.reportUrl, 'Open the report page')}`));
  }
  blocks.push(
    context([
      dryRun
        ? 'Dry run: nothing was queued.'
        : `Job ${inlineCode(plan.jobId)} · follow it with ${inlineCode(commandLine(suggestCommand('status', plan.jobId), 'chat'))}`,
    ]),
  );
  const verb = dryRun
    ? 'Dry run: would roll back'
    : approval
      ? 'Waiting for approval to roll back'
      : 'Rolling back';
  return {
    text: fallbackText(
      `${verb} ${target} from ${userText(plan.from, 200)} to ${userText(plan.to, 200)}${dryRun ? '' : ` (job ${userText(plan.jobId, 100)})`}`,
    ),
    blocks,
  };
}

function facts(plan: RollbackPlan): string[] {
  const good = knownGoodFacts(plan).extra;
  const list = [
    `*Service*\n${userText(plan.service, 100)} (${userText(plan.environment, 60)})`,
    `*Strategy*\n${userText(plan.strategy, 80)}`,
    `*Current version*\n${userText(plan.from, 300)}`,
    `*Target*\n${userText(knownGoodFacts(plan).target, 300)}`,
    ...(good ? [`*${good[0]}*\n${userText(good[1], 300)}`] : []),
    `*Requested by*\n${userText(plan.request.requester.name, 80)} (via ${plan.request.requester.source})`,
    // A dry run is never queued: its id names no job anyone could look up.
    ...(plan.request.dryRun ? [] : [`*Job*\n${inlineCode(plan.jobId)}`]),
  ];
  const reason = plan.request.reason;
  if (reason !== undefined && reason.trim() !== '') list.push(`*Reason*\n${userText(reason, 1000)}`);
  return list;
}

/** What the requester must know before it runs, one bullet each, in one section (plan and status). */
export function warningsText(warnings: readonly string[]): string {
  const room = Math.floor((LIMITS.sectionText - 40) / warnings.length);
  return `⚠️ *Watch out*\n${warnings.map((w) => `• ${userText(w, Math.min(room, 900))}`).join('\n')}`;
}

/** The runbook's prerequisites as a short checklist (one section). */
function prerequisitesText(list: Checklist): string {
  const lines = list.items.map((item) => `${item.done === true ? '✅' : '⬜'} ${userText(item.text, 200)}`);
  return `*${userText(list.title, 100)}* (runbook prerequisites)\n${lines.join('\n')}`;
}

/** Grouped by target: a "# target" line, then that target's commands and API calls. */
