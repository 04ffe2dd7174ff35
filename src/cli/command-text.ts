/** An option name (`--dry-run`) as opposed to a value, which is always quoted. */
export interface OptionWord {
  option: string;
}

export type CommandWord = string | OptionWord;

/**
 * Joins argv words into command text for the shared grammar (parseCommand), quoting each value so the
 * tokenizer gives it back whole: spaces, quotes and a leading `--` inside a value stay part of the value.
 * Returns undefined when a value cannot be quoted (it holds both kinds of quote before a space).
 */
export function commandText(words: readonly CommandWord[]): string | undefined {
  const parts: string[] = [];
  for (const word of words) {
    const part = typeof word === 'string' ? quoteValue(word) : word.option;
    if (part === undefined) return undefined;
    parts.push(part);
  }
  return parts.join(' ');
}

/** Quoted with a quote family that does not close early (a quote closes where whitespace follows it). */
function quoteValue(word: string): string | undefined {
  const closesEarly = (family: string) => new RegExp(`[${family}](\\s|$)`, 'u').test(word);
  if (!closesEarly('"\u201C\u201D\u201E')) return `"${word}"`;
  if (!closesEarly("'\u2018\u2019")) return `'${word}'`;
  return undefined;
}
