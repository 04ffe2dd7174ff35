import semver from 'semver';

/**
 * Version order the way people read release tags. Semantic versions compare by semver precedence with an
 * optional `v`/`V` prefix and missing parts read as 0 (`v1.2` = `1.2.0` < `v1.10.0`, `1.0.0-rc.1` <
 * `1.0.0`); anything else (`1.2.3.4`, `2024.01.15-hotfix_2`, `release-42`) compares by its leading
 * numbers, then naturally (`build9` < `build10`). Names without a leading number (`latest`, a commit id)
 * sort below every numbered version and say nothing about direction.
 */
interface VersionKey {
  raw: string;
  /** Leading dotted numbers, without the `v` prefix; undefined when the version has none. */
  core: number[] | undefined;
  /** 0: semver pre-release, 1: semver release, 2: other text after the numbers. */
  kind: 0 | 1 | 2;
  /** The pre-release (kind 0) or the text after the numbers (kind 2). */
  rest: string;
}

const NATURAL = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });
const CORE = /^[vV]?(\d+(?:\.\d+)*)/;
/** A commit id or digest is a name, not a number: `0a1b2c3`. */
const HEX_ID = /^(?=[0-9a-f]*[a-f])[0-9a-f]{7,64}$/;

function keyOf(raw: string): VersionKey {
  const core = HEX_ID.test(raw) ? null : CORE.exec(raw);
  if (!core?.[1]) return { raw, core: undefined, kind: 2, rest: raw };
  const numbers = core[1].split('.').map(Number);
  const rest = raw.slice(core[0].length);
  if (numbers.length <= 3) {
    const padded = [...numbers, 0, 0].slice(0, 3).join('.');
    const parsed = semver.parse(`${padded}${rest}`);
    if (parsed) {
      const pre = parsed.prerelease.join('.');
      return { raw, core: numbers, kind: pre === '' ? 1 : 0, rest: pre };
    }
  }
  return { raw, core: numbers, kind: 2, rest };
}

function compareCores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function compareKeys(a: VersionKey, b: VersionKey): number {
  if (a.core === undefined && b.core === undefined) return Math.sign(NATURAL.compare(a.rest, b.rest));
  if (a.core === undefined) return -1;
  if (b.core === undefined) return 1;
  const core = compareCores(a.core, b.core);
  if (core !== 0) return core;
  if (a.kind !== b.kind) return Math.sign(a.kind - b.kind);
  if (a.kind === 0) return semver.compare(`0.0.0-${a.rest}`, `0.0.0-${b.rest}`);
  return Math.sign(NATURAL.compare(a.rest, b.rest));
}

/**
 * Precedence of two versions: negative when `a` is older, 0 when they name the same release
 * (`v1.2` and `1.2.0`, or differing only in build metadata), positive when `a` is newer.
 */
export function versionPrecedence(a: string, b: string): number {
  return compareKeys(keyOf(a), keyOf(b));
}

/** A total order for sorting: precedence, then the text itself so equal releases sort the same way every time. */
export function compareVersions(a: string, b: string): number {
  return versionPrecedence(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Newest first, as `versions` lists them. */
export function sortVersionsNewestFirst(versions: Iterable<string>): string[] {
  return [...versions].sort((a, b) => compareVersions(b, a));
}

export type VersionDirection = 'forward' | 'backward' | 'same' | 'unknown';

/**
 * Whether moving from `current` to `target` goes to a newer release ("forward", which a rollback must not
 * do silently), an older one, the same one, or cannot be told (a name without a number, like `latest`).
 */
export function versionDirection(current: string, target: string): VersionDirection {
  const from = keyOf(current);
  const to = keyOf(target);
  if (from.core === undefined || to.core === undefined) return current === target ? 'same' : 'unknown';
  const order = compareKeys(to, from);
  return order > 0 ? 'forward' : order < 0 ? 'backward' : 'same';
}
