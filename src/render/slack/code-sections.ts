import { LIMITS } from './block-kit.js';
import { escapeCodeBlock } from './escape-mrkdwn.js';
import { truncateText } from './truncate-text.js';

/**
 * Lines shown as ``` code blocks, split over as many section texts as needed (each with its own fences,
 * each within the section limit), at most `maxSections`; what does not fit is counted at the end.
 */
export function codeSections(lines: string[], maxSections: number, intro = ''): string[] {
  const fence = '```';
  const budget = LIMITS.sectionText - intro.length - 2 * fence.length - 40;
  const groups: string[][] = [[]];
  let used = 0;
  for (const raw of lines) {
    const line = truncateText(escapeCodeBlock(raw), Math.floor(budget / 2));
    let group = groups[groups.length - 1]!;
    const size = group.reduce((n, l) => n + l.length + 1, 0);
    if (size + line.length > budget) {
      if (groups.length >= maxSections) break;
      group = [];
      groups.push(group);
    }
    group.push(line);
    used += 1;
  }
  const left = lines.length - used;
  return groups
    .filter((group) => group.length > 0)
    .map((group, index, all) => {
      const more = index === all.length - 1 && left > 0 ? `\n… and ${left} more lines` : '';
      return `${index === 0 ? intro : ''}${fence}\n${group.join('\n')}\n${fence}${more}`;
    });
}
