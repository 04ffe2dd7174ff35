import type { RemedyKind } from '../../rollback/plan.js';
import type { ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import { REMEDY_LABELS } from '../../rollback/remedy-offer.js';
import { LIMITS, section, type Block } from './block-kit.js';
import { userText } from './describe-progress.js';

/** Action id of the diagnosis message's buttons; the value is `<kind>|<service>|<job>`. */
export const REMEDY_ACTION = 'rollback_remedy';

const KINDS: readonly RemedyKind[] = ['restore_backup', 'rollout_restart'];

/** A button's value read back: which move, for which service, after which failed rollback. */
export function parseRemedyButton(
  value: string,
): { kind: RemedyKind; service: string; fromJob: string } | undefined {
  const [kind, service, fromJob, ...rest] = value.split('|');
  if (rest.length > 0 || !service || !fromJob || !KINDS.includes(kind as RemedyKind)) return undefined;
  return { kind: kind as RemedyKind, service, fromJob };
}

/**
 * The diagnosis thread message as blocks: its text in sections (split on lines, code fences closed and
 * reopened where a split falls inside one), then the runbook's next moves as buttons, each behind a
 * confirmation. A click asks for a new job with the same permissions, approvals, lock and audit.
 */
export function renderRemedyBlocks(text: string, snapshot: ProgressSnapshot): Block[] {
  const deployment = userText(snapshot.service, 60);
  const button = (kind: RemedyKind, confirm: string) => ({
    type: 'button' as const,
    action_id: `${REMEDY_ACTION}:${kind}`,
    text: { type: 'plain_text' as const, text: REMEDY_LABELS[kind], emoji: true },
    value: `${kind}|${snapshot.service}|${snapshot.jobId}`,
    confirm: {
      title: { type: 'plain_text' as const, text: `${REMEDY_LABELS[kind]}?` },
      text: { type: 'mrkdwn' as const, text: confirm },
      confirm: { type: 'plain_text' as const, text: 'Go' },
      deny: { type: 'plain_text' as const, text: 'Not now' },
    },
  });
  return [
    ...splitSections(text).map(section),
    {
      type: 'actions',
      elements: [
        button(
          'restore_backup',
          `Put ${deployment}'s Deployment back as the pre-checks of this rollback backed it up (what ran before it)?`,
        ),
        button('rollout_restart', `Restart the pods of ${deployment} (kubectl rollout restart)?`),
      ],
    },
  ];
}

function splitSections(text: string): string[] {
  const max = LIMITS.sectionText - 10;
  const out: string[] = [];
  let current = '';
  let inCode = false;
  for (const line of text.split('\n')) {
    if (current.length + line.length + 1 > max && current !== '') {
      out.push(inCode ? `${current}\n\`\`\`` : current);
      current = inCode ? '```' : '';
    }
    current = current === '' ? line.slice(0, max) : `${current}\n${line.slice(0, max)}`;
    if (line.trim().startsWith('```')) inCode = !inCode;
  }
  if (current !== '') out.push(current);
  return out;
}
