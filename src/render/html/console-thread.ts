import { isFinished, type Checklist, type ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import { html, type SafeHtml } from './safe-html.js';
import { consoleTime } from './console-time.js';

/** Longer output keeps its last characters: the end of a log matters most. */
const MAX_DETAIL_CHARS = 6000;

/**
 * The status message's thread: one reply per detail entry (what each step saw), then the runbook's
 * checklists once the rollback has ended. Open while the rollback runs or when it failed.
 */
export function renderConsoleThread(snapshot: ProgressSnapshot): SafeHtml {
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
<ol class="replies">${replies}${lists.length > 0 ? html`<li class="reply reply-checklists">${renderChecklists(lists)}</li>` : ''}</ol>
</details>`;
}

/** The verification and post-mortem checklists: what a person still has to check and do. */
export function renderChecklists(lists: Checklist[]): SafeHtml {
  return html`${lists.map((list) => {
    const done = list.items.filter((item) => item.done === true).length;
    const items = list.items.map(
      (item) =>
        html`<li class="${item.done === true ? 'item-done' : 'item-open'}"><span class="box" aria-hidden="true">${item.done === true ? '☑' : '☐'}</span> ${item.text}</li>`,
    );
    return html`<section class="checklist"><h3>${list.title} <span class="count">${done}/${list.items.length} done</span></h3><ul>${items.length > 0 ? items : html`<li>Nothing to check.</li>`}</ul></section>`;
  })}`;
}

function tail(text: string): string {
  const output = text.replace(/\s+$/, '');
  if (output === '') return '(no output)';
  if (output.length <= MAX_DETAIL_CHARS) return output;
  return `… (${output.length - MAX_DETAIL_CHARS} earlier characters left out)\n${output.slice(-MAX_DETAIL_CHARS)}`;
}
