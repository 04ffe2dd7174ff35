import { VERSION_PATTERN } from '../config/service-schema.js';

/**
 * Checks for the words of a command. Each returns the problem as a sentence, or undefined when the word is
 * fine. Words are shown back with {@link show}, so control characters and invisible letters are visible.
 */

/** Same rule as the catalog's service names (service-schema.ts). */
export const SERVICE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const MAX_VERSION_LENGTH = 128;

/**
 * A version is refused unless it matches VERSION_PATTERN and starts with a letter or digit: a leading `-`
 * could read as an option to a tool, a leading `.` as a path.
 */
export function checkVersion(version: string): string | undefined {
  const length = Array.from(version).length;
  if (length > MAX_VERSION_LENGTH) {
    return `Version ${show(version)} is too long (${length} characters; at most ${MAX_VERSION_LENGTH}).`;
  }
  const bad = badCharacters(version, /[A-Za-z0-9._+-]/);
  if (bad.length > 0)
    return `${show(version)} is not a valid version: ${describeCharacters(bad)} not allowed.`;
  if (!/^[A-Za-z0-9]/.test(version) || !VERSION_PATTERN.test(version)) {
    return `${show(version)} is not a valid version: it must start with a letter or digit.`;
  }
  return undefined;
}

export function checkServiceName(service: string): string | undefined {
  return SERVICE_NAME_PATTERN.test(service) ? undefined : `${show(service)} is not a valid service name.`;
}

/** Returns the revision, or a problem sentence. */
export function checkRevision(text: string): number | string {
  const value = /^[0-9]{1,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    return `Revision ${show(text)} is not a positive whole number.`;
  }
  return value;
}

export function checkJobId(jobId: string): string | undefined {
  return JOB_ID_PATTERN.test(jobId) ? undefined : `${show(jobId)} is not a valid job id.`;
}

/** A word quoted for a message: at most 40 characters, with control characters escaped. */
export function show(word: string): string {
  const chars = Array.from(word);
  const cut = chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : word;
  return JSON.stringify(cut);
}

function badCharacters(word: string, allowed: RegExp): string[] {
  return [...new Set(Array.from(word).filter((char) => !allowed.test(char)))];
}

function describeCharacters(chars: readonly string[]): string {
  const names = chars.slice(0, 5).map((char) => {
    const code = char.codePointAt(0) ?? 0;
    const visible = code > 0x20 && code < 0x7f;
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    return visible ? JSON.stringify(char) : code > 0x7f && !/\s/u.test(char) ? `"${char}" (${hex})` : hex;
  });
  return chars.length === 1 ? `${names[0]} is` : `${names.join(', ')} are`;
}
