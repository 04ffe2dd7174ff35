import type { ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import { section, type Block } from './block-kit.js';
import { userText } from './describe-progress.js';
import { inlineCode } from './escape-mrkdwn.js';
import { slackTime } from './format-time.js';

/** Action ids of the status message's buttons; the value is the job id. */
export const APPROVE_ACTION = 'rollback_approve';
export const CANCEL_ACTION = 'rollback_cancel';

/**
 * The two-person rule on the status message: who approved and when, how many are still needed, and
 * (while the plan waits) Approve, behind a confirmation dialog, and Cancel.
 */
export function renderApproval(snapshot: ProgressSnapshot): Block[] {
  const approval = snapshot.approval;
  if (!approval) return [];
  const lines = approval.approvals.map((a) => `✅ Approved by ${userText(a.name, 80)} at ${slackTime(a.at)}`);
  const missing = Math.max(0, approval.required - approval.approvals.length);
  if (approval.state === 'pending') {
    lines.unshift(
      `✋ *Needs ${missing} more approval${missing === 1 ? '' : 's'}* (${approval.approvals.length}/${approval.required}) · expires ${slackTime(approval.expiresAt)} · the requester cannot approve`,
    );
  } else if (approval.state === 'expired') {
    lines.unshift(
      `⌛ *Approval expired* at ${slackTime(approval.expiresAt)}: this plan can no longer be approved.`,
    );
  } else if (approval.state === 'cancelled') {
    lines.unshift('⛔ *Cancelled before approval*: this plan can no longer be approved.');
  }
  const blocks: Block[] = lines.length > 0 ? [section(lines.join('\n'))] : [];
  if (approval.state === 'pending' && snapshot.state === 'awaiting_approval') blocks.push(buttons(snapshot));
  return blocks;
}

/** After a successful rollback: the rolled-back mark, or who released it. */
export function renderRolledBackMark(snapshot: ProgressSnapshot): Block[] {
  if (snapshot.state !== 'succeeded' || snapshot.dryRun) return [];
  const service = userText(snapshot.service, 60);
  if (snapshot.released) {
    const { by, at, reason } = snapshot.released;
    return [
      section(`🔓 *Released* by ${userText(by.name, 80)} at ${slackTime(at)}: ${userText(reason, 500)}`),
    ];
  }
  return [
    section(
      `🔒 *${service} is marked rolled back*: deploy pipelines should not deploy over it. When the cause is fixed: ${inlineCode(`/rollback release ${snapshot.service} --reason "..."`)}`,
    ),
  ];
}

function buttons(snapshot: ProgressSnapshot): Block {
  const target = `${snapshot.service} (${snapshot.environment}) to ${snapshot.to}`;
  return {
    type: 'actions',
    block_id: 'rollback_approval',
    elements: [
      {
        type: 'button',
        action_id: APPROVE_ACTION,
        text: { type: 'plain_text', text: 'Approve', emoji: true },
        style: 'primary',
        value: snapshot.jobId,
        confirm: {
          title: { type: 'plain_text', text: 'Approve this rollback?' },
          text: { type: 'mrkdwn', text: `Roll back ${userText(target, 240)}?` },
          confirm: { type: 'plain_text', text: 'Approve' },
          deny: { type: 'plain_text', text: 'Not yet' },
        },
      },
      {
        type: 'button',
        action_id: CANCEL_ACTION,
        text: { type: 'plain_text', text: 'Cancel', emoji: true },
        style: 'danger',
        value: snapshot.jobId,
      },
    ],
  };
}
