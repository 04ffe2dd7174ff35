import {
  isFinished,
  type Checklist,
  type ChecklistItem,
  type ProgressSnapshot,
} from '../../rollback/progress-snapshot.js';
import { codeSpans } from './code-spans.js';
import { html, type SafeHtml } from './safe-html.js';
import { consoleTime } from './console-time.js';

/** Longer output keeps its last characters: the end of a log matters most. */
const MAX_DETAIL_CHARS = 6000;

/**
 * The status message's thread: one reply per detail entry (what each step saw), then the runbook's
 * checklists once the rollback has ended. Open while the rollback runs or when it failed.
 */
export function renderConsoleThread(
  snapshot: ProgressSnapshot,
  options: { canTick?: boolean } = {},
): SafeHtml {
  const finished = isFinished(snapshot);
  const lists = finished ? snapshot.checklists : [];
  const count = snapshot.details.length + lists.length;
  if (count === 0) return html`<div class="thread thread-empty">No replies in the thread yet.</div>`;
  const open = !finished || snapshot.state === 'failed';
  const replies = snapshot.details.map((entry) => {
    const title = snapshot.steps.find((s) => s.id === entry.stepId)?.title ?? entry.stepId;
    return html`<li class="reply"><div class="reply-head"><strong>${title}</strong> ${consoleTime(entry.at)}</div><pre>${tail(entry.text)}</pre></li>`;
  });
  return html`<details class="thread" data-thread${open ? html` open` : ''}>
<summary>${count} ${count === 1 ? 'reply' : 'replies'} in thread${lists.length > 0 ? ' · checklists' : ''}</summary>
<ol class="replies">${replies}${lists.length > 0 ? html`<li class="reply reply-checklists">${renderChecklists(lists, options.canTick ? snapshot.jobId : undefined)}</li>` : ''}</ol>
</details>`;
}

/**
 * The verification and post-mortem checklists: what a person still has to check and do, `code` spans
 * drawn as code, and who ticked each item and when (what the bot saw, for what it ticked). With a job id,
 * each item has a checkbox the page's script posts as a tick or an untick (the card is then redrawn from
 * the new snapshot); without, a read-only box.
 */
export function renderChecklists(lists: Checklist[], jobId?: string): SafeHtml {
  return html`${lists.map((list) => {
    const items = list.items.map((item) => {
      const done = item.done === true;
      const text = html`${codeSpans(item.text)}${tickedBy(item)}`;
      if (jobId === undefined)
        return html`<li class="${done ? 'item-done' : 'item-open'}"><span class="box" aria-hidden="true">${done ? '☑' : '☐'}</span> ${text}</li>`;
      return html`<li class="${done ? 'item-done' : 'item-open'}"><label><input type="checkbox" data-tick data-job-id="${jobId}" data-list="${list.id}" data-item="${item.id}"${done ? html` checked` : ''} /> ${text}</label></li>`;
    });
    return html`<section class="checklist"><h3>${list.title}</h3><ul>${items.length > 0 ? items : html`<li>Nothing to check.</li>`}</ul></section>`;
  })}`;
}

/** " — alice 12:03", " — unticked by bob 12:04", " — rollback-bot 12:02: verified: health 200". */
function tickedBy(item: ChecklistItem): SafeHtml | '' {
  if (!item.by) return '';
  const verb = item.done === true ? '' : 'unticked by ';
  return html` <span class="ticked-by">— ${verb}${item.by.name}${item.at ? html` ${consoleTime(item.at)}` : ''}${item.evidence ? `: ${item.evidence}` : ''}</span>`;
}

function tail(text: string): string {
  const output = text.replace(/\s+$/, '');
  if (output === '') return '(no output)';
  if (output.length <= MAX_DETAIL_CHARS) return output;
  return `… (${output.length - MAX_DETAIL_CHARS} earlier characters left out)\n${output.slice(-MAX_DETAIL_CHARS)}`;
}
