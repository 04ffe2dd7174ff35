import type { VersionEntry } from '../../rollback/strategy.js';
import {
  context,
  fallbackText,
  LIMITS,
  packLines,
  section,
  type Block,
  type SlackMessage,
} from './block-kit.js';
import { userText } from './describe-progress.js';
import { inlineCode } from './escape-mrkdwn.js';

/** The answer to `/rollback versions <service>`: what can be typed, newest first as the strategy lists them. */
export function renderVersions(service: string, entries: VersionEntry[]): SlackMessage {
  const name = userText(service, 100);
  if (entries.length === 0) {
    return {
      text: `No versions of ${name} to roll back to.`,
      blocks: [section(`No versions of *${name}* to roll back to.`)],
    };
  }
  const lines = entries.map(
    (entry) =>
      `• ${inlineCode(entry.id)} — ${userText(entry.description, 300)}${entry.current === true ? ' ← *current*' : ''}`,
  );
  const texts = packLines(lines, LIMITS.blocksPerMessage - 2, 'versions');
  const blocks: Block[] = texts.map((text, index) =>
    section(index === 0 ? `*Versions of ${name}*\n${text}` : text),
  );
  blocks.push(
    context([
      `Roll back with ${inlineCode(`/rollback ${service} <version>`)}, or ${inlineCode(`/rollback ${service} previous`)}`,
    ]),
  );
  return {
    text: fallbackText(`Versions of ${name}: ${entries.map((e) => userText(e.id, 50)).join(', ')}`),
    blocks,
  };
}
