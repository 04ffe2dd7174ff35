import type { types } from '@slack/bolt';
import { truncateText } from './truncate-text.js';

export type Block = types.KnownBlock;

/** What a renderer hands to chat.postMessage / chat.update / response_url. */
export interface SlackMessage {
  /** Plain fallback for notifications and clients without blocks; escaped like any mrkdwn. */
  text: string;
  blocks: Block[];
}

/** Slack's Block Kit limits (https://docs.slack.dev/reference/block-kit). */
export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  headerText: 150,
  contextElements: 10,
  /** Fallback `text`: Slack accepts 40,000 but truncates long notifications; stay readable. */
  fallbackText: 3000,
} as const;

export function header(text: string): Block {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncateText(text, LIMITS.headerText), emoji: true },
  };
}

export function section(mrkdwn: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncateText(mrkdwn, LIMITS.sectionText) } };
}

export function fields(items: string[]): Block {
  return {
    type: 'section',
    fields: items
      .slice(0, LIMITS.fields)
      .map((text) => ({ type: 'mrkdwn' as const, text: truncateText(text, LIMITS.fieldText) })),
  };
}

export function context(items: string[]): Block {
  return {
    type: 'context',
    elements: items
      .slice(0, LIMITS.contextElements)
      .map((text) => ({ type: 'mrkdwn' as const, text: truncateText(text, LIMITS.sectionText) })),
  };
}

export function divider(): Block {
  return { type: 'divider' };
}

/**
 * Packs lines into as few section texts as fit `maxChars` each, at most `maxSections` of them; lines that
 * do not fit are replaced by "… and N more <noun>" at the end. Lines are never split across sections.
 */
export function packLines(
  lines: string[],
  maxSections: number,
  noun: string,
  maxChars: number = LIMITS.sectionText,
): string[] {
  const perLine = Math.floor(maxChars / 2);
  const sections: string[][] = [[]];
  const size = (group: string[]): number => group.reduce((n, l) => n + l.length + 1, 0);
  let used = 0;
  for (const raw of lines) {
    const line = truncateText(raw, perLine);
    let group = sections[sections.length - 1]!;
    if (size(group) + line.length > maxChars) {
      if (sections.length >= maxSections) break;
      group = [];
      sections.push(group);
    }
    group.push(line);
    used += 1;
  }
  if (used < lines.length) {
    const last = sections[sections.length - 1]!;
    const more = (): string => `… and ${lines.length - used} more ${noun}`;
    while (last.length > 0 && size(last) + more().length > maxChars) {
      last.pop();
      used -= 1;
    }
    last.push(more());
  }
  return sections.filter((group) => group.length > 0).map((group) => group.join('\n'));
}

/** The fallback `text`, kept short. */
export function fallbackText(text: string): string {
  return truncateText(text, LIMITS.fallbackText);
}
