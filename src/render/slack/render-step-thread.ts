import type { DetailEntry } from '../../rollback/progress-snapshot.js';
import { userText } from './describe-progress.js';
import { escapeCodeBlock } from './escape-mrkdwn.js';
import { slackTime } from './format-time.js';
import { truncateHead } from './truncate-text.js';

/** Slack recommends keeping a message's text under 4,000 characters. */
const MAX_TEXT = 3800;

/**
 * One thread reply per step under the status message, edited in place as the step adds details: the step's
 * title, then each detail with its time and output in a code block (escaped; secrets are redacted before
 * entries are published). When the step has said more than fits, the newest entries are kept and the
 * earlier ones are folded into a line saying how many (the report page keeps them all).
 */
export function renderStepThread(stepTitle: string, entries: readonly DetailEntry[]): string {
  const header = `*${userText(stepTitle, 150)}*`;
  const parts: string[] = [];
  let used = header.length;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as DetailEntry;
    const room = MAX_TEXT - used - 120;
    const part = renderEntry(entry, parts.length === 0 ? Math.max(200, room) : room);
    if (part === undefined || used + part.length + 1 > MAX_TEXT - 80) {
      parts.unshift(
        `_${i + 1} earlier ${i === 0 ? 'entry' : 'entries'} folded: the report page has them all._`,
      );
      break;
    }
    parts.unshift(part);
    used += part.length + 1;
  }
  return [header, ...parts].join('\n');
}

function renderEntry(entry: DetailEntry, room: number): string | undefined {
  const output = entry.text.replace(/\s+$/, '');
  const head = `${slackTime(entry.at)}\n\`\`\`\n`;
  const budget = room - head.length - 4;
  if (budget < 40) return undefined;
  const body = output === '' ? '(no output)' : truncateHead(escapeCodeBlock(output), budget);
  return `${head}${body}\n\`\`\``;
}
