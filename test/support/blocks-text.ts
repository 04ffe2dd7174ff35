/**
 * Every text a person would read in a Slack message, reply or answer: the fallback text and each block's
 * text, in order (a missing message reads as empty).
 */
export function blocksText(message: { blocks?: unknown; text?: unknown } | undefined): string {
  const texts: string[] = [typeof message?.text === 'string' ? message.text : ''];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'text' && typeof value === 'string') texts.push(value);
        else walk(value);
      }
    }
  };
  walk(message?.blocks ?? []);
  return texts.join('\n');
}
