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

/**
 * The answer to `/rollback versions <service>`: what can be typed, newest first as the strategy lists them,
 * the current and last known good versions marked; `notes`: sources that did not answer.
 */
export function renderVersions(
  service: string,
  entries: VersionEntry[],
  notes: readonly string[] = [],
): SlackMessage {
  const name = userText(service, 100);
  const noteBlocks = notes.length > 0 ? [context(notes.map((n) => `⚠️ ${userText(n, 500)}`))] : [];
  if (entries.length === 0) {
    return {
      text: `No versions of ${name} to roll back to.`,
      blocks: [section(`No versions of *${name}* to roll back to.`), ...noteBlocks],
    };
  }
  const lines = entries.map(
    (entry) =>
      `• ${inlineCode(entry.id)} — ${userText(entry.description, 300)}${entry.current === true ? ' ← *current*' : ''}${entry.lastKnownGood === true ? ' ← *last known good*' : ''}`,
  );
  const texts = packLines(lines, LIMITS.blocksPerMessage - 2 - noteBlocks.length, 'versions');
  const blocks: Block[] = texts.map((text, index) =>
    section(index === 0 ? `*Versions of ${name}*\n${text}` : text),
  );
  blocks.push(...noteBlocks);
  const good = entries.find((entry) => entry.lastKnownGood === true);
  blocks.push(
    context([
      good
        ? `Roll back with ${inlineCode(`/rollback ${service} <version>`)}, or ${inlineCode(`/rollback ${service}`)} for the last known good (${inlineCode(good.id)})`
        : `Roll back with ${inlineCode(`/rollback ${service} <version>`)}, or ${inlineCode(`/rollback ${service} previous`)}`,
    ]),
  );
  return {
    text: fallbackText(`Versions of ${name}: ${entries.map((e) => userText(e.id, 50)).join(', ')}`),
    blocks,
  };
}
