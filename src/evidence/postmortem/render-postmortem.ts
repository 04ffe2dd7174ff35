import { redactText } from '../../config/redact-text.js';
import type { ChecklistState, PostmortemInput, TimelineEntry } from './postmortem-input.js';

const iso = (value: Date | string | undefined): string => {
  if (value === undefined) return '';
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().replace('.000Z', 'Z');
};

/** Text fit for one table cell or list line: redacted, no line breaks, no table pipes, no HTML. */
function inline(text: string | undefined): string {
  return redactText(text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .trim();
}

function table(header: string[], rows: string[][]): string[] {
  if (rows.length === 0) return ['_None recorded._'];
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map((cell) => inline(cell) || ' ').join(' | ')} |`),
  ];
}

function timeline(entries: readonly TimelineEntry[]): string[] {
  const sorted = [...entries].sort((a, b) => iso(a.at).localeCompare(iso(b.at)));
  return table(
    ['Time (UTC)', 'What', 'Who'],
    sorted.map((e) => [iso(e.at), e.what, e.who ?? '']),
  );
}

function checklists(lists: readonly ChecklistState[]): string[] {
  if (lists.length === 0) return ['_None recorded._'];
  return lists.flatMap((list) => [
    `### ${inline(list.title)}`,
    '',
    ...list.items.map((item) => {
      const who =
        item.checked && item.by
          ? ` (ticked by ${inline(item.by)}${item.at ? ` at ${iso(item.at)}` : ''})`
          : '';
      const evidence = item.evidence ? `: ${inline(item.evidence)}` : '';
      return `- [${item.checked ? 'x' : ' '}] ${inline(item.text)}${who}${evidence}`;
    }),
    '',
  ]);
}

const STATUS_TEXT = { sent: 'sent', failed: 'failed', skipped: 'skipped', pending: 'waiting' } as const;

/** "5 sent, 1 still waiting, 0 given up." above the table, when there are any. */
function notificationsSummary(rows: PostmortemInput['notifications']): string[] {
  if (rows.length === 0) return [];
  const count = (status: string) => rows.filter((r) => r.status === status).length;
  return [`${count('sent')} sent, ${count('pending')} still waiting, ${count('failed')} given up.`, ''];
}

/**
 * A post-mortem draft in Markdown: summary, timeline, versions, evidence bundles and their comparisons,
 * checklist state (who ticked what and when), notifications, and empty "Root cause" and "Follow-up ticket"
 * sections for people to write. The whole text is redacted.
 */
export function renderPostmortem(input: PostmortemInput): string {
  const title = `# Post-mortem draft: ${inline(input.service)} rollback${input.environment ? ` (${inline(input.environment)})` : ''}`;
  const facts = [
    ['Service', `${input.service}${input.environment ? ` (${input.environment})` : ''}`],
    ['Job', input.jobId ?? ''],
    ['Rolled back', `${input.versions.from ?? 'unknown'} → ${input.versions.to ?? 'unknown'}`],
    ['Outcome', input.outcome ?? ''],
    ['Requested by', input.requestedBy ?? ''],
    ['Reason', input.reason ?? ''],
  ].filter(([, value]) => value !== '');
  const lines = [
    title,
    '',
    `_Drafted by rollback-bot at ${iso(input.generatedAt)} from the audit log and the evidence bundles. Edit freely._`,
    '',
    ...table(['', ''], facts),
    '',
    '## Timeline',
    '',
    ...timeline(input.timeline),
    '',
    '## Versions',
    '',
    `- Before the rollback: ${inline(input.versions.from) || 'unknown'}`,
    `- After the rollback: ${inline(input.versions.to) || 'unknown'}`,
    '',
    '## Evidence',
    '',
    ...table(
      ['Bundle', 'Taken (UTC)', 'Target', 'Where', 'Not collected'],
      input.bundles.map((b) => [
        b.label,
        iso(b.takenAt),
        b.target ?? '',
        b.url ?? b.id ?? '',
        (b.failed ?? []).join('; '),
      ]),
    ),
    '',
    ...input.diffs.flatMap((d) => [
      `- **${inline(d.title)}**: ${d.matches ? 'matches' : `differs: ${d.items.map(inline).join(', ')}`}`,
      ...d.notes.map((n) => `  - ${inline(n)}`),
    ]),
    ...(input.diffs.length > 0 ? [''] : []),
    '## Checklists',
    '',
    ...checklists(input.checklists),
    '## Notifications',
    '',
    ...notificationsSummary(input.notifications),
    ...table(
      ['Notification', 'Status', 'When (UTC)', 'Detail'],
      input.notifications.map((n) => [n.target, STATUS_TEXT[n.status], iso(n.at), n.detail ?? '']),
    ),
    '',
    '## Root cause',
    '',
    '_To be written._',
    '',
    '## Follow-up ticket',
    '',
    '_To be filed: link the ticket for the proper fix here._',
    '',
  ];
  return redactText(lines.join('\n'));
}
