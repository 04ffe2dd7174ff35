import type { Checklist, ChecklistItem } from '../../rollback/progress-snapshot.js';
import { codeSpans } from './code-spans.js';
import { html, type SafeHtml } from './safe-html.js';
import { timeTag } from './report-sections.js';

/** Where the page's checklist form posts, with the token that proves the page drew it. */
export interface ChecklistForm {
  /** `POST` target, carrying the page's own access (its signed-link query). */
  action: string;
  token: string;
}

/**
 * The checklists with who ticked each item and when (and what the bot saw, for what it ticked). With a
 * form (the rollback ended and ticking is wired), one plain HTML form: a name field and, beside each item
 * of the rollback's checklists, a Tick or Untick button; no script needed. The prerequisites that were
 * checked before the rollback are shown, not ticked here.
 */
export function checklistsSection(
  checklists: readonly Checklist[],
  prerequisites: Checklist | undefined,
  form?: ChecklistForm,
): SafeHtml {
  if (checklists.length === 0 && !prerequisites)
    return html`<h2 id="checklists">Checklists</h2>
      <p class="muted">Posted when the rollback ends.</p>`;
  const lists = (tickable: boolean) => (list: Checklist) =>
    html`<h3>${list.title}</h3>
      <ul class="checklist">
        ${list.items.map((item) => itemLine(list.id, item, tickable ? form : undefined))}
      </ul>`;
  const body = html`${prerequisites ? lists(false)(prerequisites) : ''}${checklists.map(lists(true))}`;
  if (!form || checklists.length === 0) return html`<h2 id="checklists">Checklists</h2>${body}`;
  return html`<h2 id="checklists">Checklists</h2>
    <form method="post" action="${form.action}" class="checklist-form">
      <input type="hidden" name="token" value="${form.token}" />
      <p>
        <label
          >Your name (recorded as who ticked):
          <input name="name" required maxlength="60" autocomplete="name" />
        </label>
      </p>
      ${body}
    </form>`;
}

function itemLine(listId: string, item: ChecklistItem, form: ChecklistForm | undefined): SafeHtml {
  const done = item.done === true;
  const button = form
    ? html`<button type="submit" name="toggle" value="${`${listId}|${item.id}|${done ? 0 : 1}`}">
        ${done ? 'Untick' : 'Tick'}
      </button>`
    : '';
  return html`<li data-item="${`${listId}/${item.id}`}" class="${done ? 'item-done' : 'item-open'}">
    ${done ? '☑' : '☐'} ${codeSpans(item.text)} ${tickedBy(item)} ${button}
  </li>`;
}

/** "— alice at 12:03 UTC", "— unticked by bob at ...", "— rollback-bot at ...: verified: health 200". */
function tickedBy(item: ChecklistItem): SafeHtml | '' {
  if (!item.by) return '';
  const verb = item.done === true ? '' : 'unticked by ';
  return html`<span class="muted ticked-by"
    >— ${verb}${item.by.name} at ${timeTag(item.at)}${item.evidence ? `: ${item.evidence}` : ''}</span
  >`;
}
