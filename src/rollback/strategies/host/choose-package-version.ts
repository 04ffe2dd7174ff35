import { PACKAGE_VERSION_PATTERN } from '../../../config/strategies/apt-schema.js';
import { InputError } from '../../../errors/rollback-error.js';

/** One host's installed version and the versions its package manager can install, newest first. */
export interface HostVersions {
  host: string;
  installed: string | null;
  versions: string[];
}

/**
 * The version to go back to: the requested one (validated, and installable on every host), or for "previous"
 * the version listed right after the installed one on the first host (package managers list newest first).
 * Refuses a version that no host can install, and one every host already has.
 */
export function choosePackageVersion(
  pkg: string,
  hosts: HostVersions[],
  requested: string | undefined,
): string {
  const first = hosts[0];
  if (first === undefined) throw new InputError('no_hosts', 'The service has no hosts.');
  const everywhere = first.versions.filter((v) => hosts.every((h) => h.versions.includes(v)));
  const others = everywhere.filter((v) => !hosts.every((h) => h.installed === v));
  const valid = `Versions available on every host: ${others.slice(0, 15).join(', ') || 'none'}.`;
  let version: string;
  if (requested === undefined) {
    const index = first.installed === null ? -1 : first.versions.indexOf(first.installed);
    const previous =
      index < 0 ? undefined : first.versions.slice(index + 1).find((v) => everywhere.includes(v));
    if (previous === undefined) {
      throw new InputError(
        'no_previous_version',
        `No version of ${pkg} older than ${first.installed ?? 'none'} is available on every host.`,
        { hint: valid },
      );
    }
    version = previous;
  } else {
    if (!PACKAGE_VERSION_PATTERN.test(requested)) {
      throw new InputError('bad_version', `"${requested}" is not a package version.`, { hint: valid });
    }
    version = requested;
  }
  if (!everywhere.includes(version)) {
    const missing = hosts.filter((h) => !h.versions.includes(version)).map((h) => h.host);
    throw new InputError(
      'unknown_version',
      `${pkg} ${version} cannot be installed on ${missing.join(', ')}.`,
      { hint: valid },
    );
  }
  if (hosts.every((h) => h.installed === version)) {
    throw new InputError('already_current', `${pkg} ${version} is already installed on every host.`, {
      hint: valid,
    });
  }
  return version;
}

/** "0.8.0-1" when all hosts agree, else "0.8.0-1 (web-1), 0.7.0-1 (web-2)". */
/** `{from}`: the one version every host runs (for the direction check); empty when they differ or lack it. */
export function versionFrom(hosts: { installed: string | null }[]): { from?: string } {
  const distinct = new Set(hosts.map((h) => h.installed));
  const only = hosts[0]?.installed;
  return distinct.size === 1 && only ? { from: only } : {};
}

export function describeInstalled(hosts: { host: string; installed: string | null }[]): string {
  const distinct = new Set(hosts.map((h) => h.installed));
  if (distinct.size === 1) return hosts[0]?.installed ?? 'not installed';
  return hosts.map((h) => `${h.installed ?? 'none'} (${h.host})`).join(', ');
}
