import type { DetailEntry } from '../../rollback/progress-snapshot.js';
import { userText } from './describe-progress.js';
import { escapeCodeBlock } from './escape-mrkdwn.js';
import { slackTime } from './format-time.js';
import { truncateHead } from './truncate-text.js';

/** Slack recommends keeping a message's text under 4,000 characters; logs keep their last lines. */
const MAX_OUTPUT = 3500;

/**
 * A thread reply under the status message for one detail entry: the step, the time, and its output in a
 * code block (escaped; secrets are redacted before entries are published, never here).
 */
export function renderDetail(entry: DetailEntry, stepTitle: string): string {
  const output = entry.text.replace(/\s+$/, '');
  const body = output === '' ? '(no output)' : truncateHead(escapeCodeBlock(output), MAX_OUTPUT);
  return `*${userText(stepTitle, 150)}* · ${slackTime(entry.at)}\n\`\`\`\n${body}\n\`\`\``;
}
