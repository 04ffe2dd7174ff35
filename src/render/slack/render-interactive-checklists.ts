import type { Checklist, ChecklistItem } from '../../rollback/progress-snapshot.js';
import { fallbackText, LIMITS, section, type Block, type SlackMessage } from './block-kit.js';
import { userText } from './describe-progress.js';
import { slackTime } from './format-time.js';
import { renderChecklists } from './render-checklists.js';

/** The action id of every checklist checkbox; its block id names the rollback, the list and the item. */
export const CHECKLIST_ACTION = 'checklist_tick';

/**
 * `checklist|<job>|<list>|<item>`: the block id of an item's section, which says what a click on its checkbox
 * changes (a click that unticks carries no selected option, so the block names the item).
 */
export function checklistBlockId(jobId: string, listId: string, itemId: string): string {
  return `checklist|${jobId}|${listId}|${itemId}`;
}

export function parseChecklistBlockId(
  blockId: string,
): { jobId: string; listId: string; itemId: string } | undefined {
  const [kind, jobId, listId, itemId, ...rest] = blockId.split('|');
  if (kind !== 'checklist' || !jobId || !listId || !itemId || rest.length > 0) return undefined;
  return { jobId, listId, itemId };
}

/**
 * The checklists of an ended rollback with a checkbox beside each item: anyone in the channel ticks or
 * unticks it, and the message is redrawn showing who did and when (or the evidence, for what the bot
 * ticked itself). Falls back to the read-only lists when there are too many items for one message.
 */
export function renderInteractiveChecklists(jobId: string, checklists: Checklist[]): SlackMessage {
  const items = checklists.reduce((n, list) => n + list.items.length + 1, 0);
  if (checklists.length === 0 || items > LIMITS.blocksPerMessage) return renderChecklists(checklists);
  const blocks: Block[] = [];
  for (const list of checklists) {
    const done = list.items.filter((item) => item.done === true).length;
    blocks.push(section(`*${userText(list.title, 150)}* (${done}/${list.items.length} done)`));
    for (const item of list.items) blocks.push(itemBlock(jobId, list.id, item));
  }
  const summary = checklists
    .map(
      (list) =>
        `${userText(list.title, 100)} (${list.items.filter((i) => i.done).length}/${list.items.length} done)`,
    )
    .join(', ');
  return { text: fallbackText(`Checklists: ${summary}`), blocks };
}

function itemBlock(jobId: string, listId: string, item: ChecklistItem): Block {
  const option = {
    text: { type: 'plain_text' as const, text: 'Done' },
    value: 'done',
  };
  return {
    type: 'section',
    block_id: checklistBlockId(jobId, listId, item.id),
    text: { type: 'mrkdwn', text: `${userText(item.text, 2000)}${tickedBy(item)}` },
    accessory: {
      type: 'checkboxes',
      action_id: CHECKLIST_ACTION,
      options: [option],
      ...(item.done ? { initial_options: [option] } : {}),
    },
  };
}

/** "— ✅ alice at 14:03" / "— ✅ rollback-bot: verified: 3/3 pods ready" / "— unticked by bob at ...". */
function tickedBy(item: ChecklistItem): string {
  if (!item.by) return '';
  const when = item.at ? ` at ${slackTime(item.at)}` : '';
  if (!item.done) return `\n_unticked by ${userText(item.by.name, 80)}${when}_`;
  const evidence = item.evidence ? `: ${userText(item.evidence, 300)}` : '';
  return `\n✅ _${userText(item.by.name, 80)}${when}${evidence}_`;
}
