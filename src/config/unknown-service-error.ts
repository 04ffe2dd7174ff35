import { InputError } from '../errors/rollback-error.js';

/**
 * `unknown_service`: the name is not in the catalog. Carries the near names for "did you mean" as data
 * (`suggestions`), which each surface shows once; the hint lists the known names.
 */
export class UnknownServiceError extends InputError {
  readonly suggestions: string[];

  constructor(name: string, suggestions: readonly string[], known: readonly string[]) {
    const list =
      known.length > MAX_LISTED
        ? `${known.slice(0, MAX_LISTED).join(', ')} and ${known.length - MAX_LISTED} more`
        : known.join(', ');
    super('unknown_service', `Unknown service "${name}".`, { hint: `Known services: ${list}.` });
    this.suggestions = [...suggestions];
  }
}

const MAX_LISTED = 20;
