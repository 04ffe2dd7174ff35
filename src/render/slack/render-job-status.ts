import type { ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import { context, fallbackText, section, type SlackMessage } from './block-kit.js';
import { describeProgress, userText } from './describe-progress.js';
import { inlineCode } from './escape-mrkdwn.js';
import { statusTitle } from './render-status-message.js';

/** The short answer to `/rollback status [job-id]`: where one rollback stands, in a few lines. */
export function renderJobStatus(snapshot: ProgressSnapshot): SlackMessage {
  const progress = describeProgress(snapshot);
  const done = snapshot.steps.filter((s) => s.state === 'done' || s.state === 'skipped').length;
  const title = `${statusTitle(snapshot)}, ${userText(snapshot.from, 200)} → ${userText(snapshot.to, 200)}`;
  return {
    text: fallbackText(`${title}: ${progress[0] ?? ''}`),
    blocks: [
      section(`*${title}*\n${progress.join('\n')}`),
      context([
        `Job ${inlineCode(snapshot.jobId)} · ${done}/${snapshot.steps.length} steps done · requested by ${userText(snapshot.requester.name, 80)}`,
      ]),
    ],
  };
}
