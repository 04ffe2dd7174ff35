/**
 * Splits command text into words, respecting quotes the way a person typing in Slack expects.
 *
 * - Words are separated by any whitespace (spaces, tabs, newlines, non-breaking spaces).
 * - A quote opens a quoted part only at the start of a word or right after `=` (`--reason="a b"`), and closes
 *   only where a word ends (before whitespace or the end of the text). So apostrophes inside words
 *   (`don't`, `it’s`) are ordinary characters, and no escape sequences are needed.
 * - Straight and typographic quotes both work, in two families: double `" “ ” „` and single `' ‘ ’`. A part
 *   opened by one member of a family is closed by any member of the same family (Slack and phone keyboards
 *   mix them).
 */
export interface Token {
  text: string;
  /** True when any part of the word was quoted. */
  quoted: boolean;
  /** True when the word began with a quote: such a word is never taken as an option. */
  startsQuoted: boolean;
}

export type TokenizeResult = { ok: true; tokens: Token[] } | { ok: false; message: string };

const DOUBLE_QUOTES = '"\u201C\u201D\u201E';
const SINGLE_QUOTES = "'\u2018\u2019";

function quoteFamily(char: string | undefined): string | undefined {
  if (char === undefined) return undefined;
  if (DOUBLE_QUOTES.includes(char)) return DOUBLE_QUOTES;
  if (SINGLE_QUOTES.includes(char)) return SINGLE_QUOTES;
  return undefined;
}

const isSpace = (char: string | undefined): boolean => char !== undefined && /\s/u.test(char);

export function tokenize(text: string): TokenizeResult {
  const tokens: Token[] = [];
  const chars = Array.from(text);
  let i = 0;
  while (i < chars.length) {
    if (isSpace(chars[i])) {
      i += 1;
      continue;
    }
    let word = '';
    let quoted = false;
    let startsQuoted = false;
    while (i < chars.length && !isSpace(chars[i])) {
      const char = chars[i] as string;
      const family = quoteFamily(char);
      const mayOpen = word === '' || word.endsWith('=');
      if (family === undefined || !mayOpen) {
        word += char;
        i += 1;
        continue;
      }
      const close = findClosingQuote(chars, i + 1, family);
      if (close === -1) {
        return { ok: false, message: `A quote (${char}) is never closed.` };
      }
      startsQuoted ||= word === '';
      word += chars.slice(i + 1, close).join('');
      quoted = true;
      i = close + 1;
    }
    tokens.push({ text: word, quoted, startsQuoted });
  }
  return { ok: true, tokens };
}

/** The index of the quote that ends the part opened before `from`: one of `family` that ends a word. */
function findClosingQuote(chars: readonly string[], from: number, family: string): number {
  for (let j = from; j < chars.length; j += 1) {
    const char = chars[j] as string;
    if (family.includes(char) && (j + 1 === chars.length || isSpace(chars[j + 1]))) return j;
  }
  return -1;
}
