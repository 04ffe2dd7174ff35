import type { Checklist } from '../../rollback/progress-snapshot.js';
import { fallbackText, LIMITS, packLines, section, type Block, type SlackMessage } from './block-kit.js';
import { userText } from './describe-progress.js';

/**
 * The checklists posted in the thread once a rollback ends: what a person still has to check and do.
 * Item text keeps its `code` spans (Slack draws them); nobody can tick the boxes, so no "n/m done".
 */
export function renderChecklists(checklists: Checklist[]): SlackMessage {
  const blocks: Block[] = [];
  const perList = Math.max(1, Math.floor(LIMITS.blocksPerMessage / Math.max(1, checklists.length)));
  for (const list of checklists.slice(0, LIMITS.blocksPerMessage)) {
    const lines = list.items.map((item) => `${item.done === true ? '✅' : '⬜'} ${userText(item.text, 300)}`);
    const title = `*${userText(list.title, 150)}*`;
    const texts = packLines(
      lines.length > 0 ? lines : ['Nothing to check.'],
      perList,
      'items',
      LIMITS.sectionText - title.length - 1,
    );
    texts.forEach((text, index) => blocks.push(section(index === 0 ? `${title}\n${text}` : text)));
  }
  const summary = checklists
    .map((list) => `${userText(list.title, 100)} (${list.items.length} items)`)
    .join(', ');
  return {
    text: fallbackText(checklists.length === 0 ? 'No checklists.' : `Checklists: ${summary}`),
    blocks: blocks.length > 0 ? blocks.slice(0, LIMITS.blocksPerMessage) : [section('No checklists.')],
  };
}
