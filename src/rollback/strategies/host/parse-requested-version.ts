import { VERSION_PATTERN } from '../../../config/service-schema.js';
import { InputError } from '../../../errors/rollback-error.js';

/**
 * The version the user asked for, or undefined for "previous". Anything else must match VERSION_PATTERN
 * and not start with "-", so it can never be read as an option by the tool it is passed to.
 */
export function parseRequestedVersion(version: string | undefined): string | undefined {
  if (version === undefined || version === 'previous') return undefined;
  if (!VERSION_PATTERN.test(version) || version.startsWith('-')) {
    throw new InputError('bad_version', `"${version.slice(0, 60)}" is not a version`, {
      hint: 'Versions are letters, digits and . _ + - (not starting with "-"), e.g. v0.7.0 or a commit id.',
    });
  }
  return version;
}
