import { InputError } from '../errors/rollback-error.js';

/** `unknown_service`: the name is not in the catalog. Carries the near names for "did you mean" buttons. */
export class UnknownServiceError extends InputError {
  readonly suggestions: string[];

  constructor(name: string, suggestions: readonly string[], known: readonly string[]) {
    const list =
      known.length > MAX_LISTED
        ? `${known.slice(0, MAX_LISTED).join(', ')} and ${known.length - MAX_LISTED} more`
        : known.join(', ');
    const didYouMean = suggestions.length > 0 ? `Did you mean ${orList(suggestions)}? ` : '';
    super('unknown_service', `Unknown service "${name}".`, { hint: `${didYouMean}Known services: ${list}.` });
    this.suggestions = [...suggestions];
  }
}

const MAX_LISTED = 20;

function orList(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}
