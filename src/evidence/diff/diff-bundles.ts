import { redactText } from '../../config/redact-text.js';
import type { BundleManifest, BundleTarget } from '../bundle/bundle-manifest.js';
import type { EvidenceBundle } from '../bundle/read-bundle.js';
import { diffCapturedFiles } from './diff-files.js';
import { diffHardening } from './diff-hardening.js';
import { diffLogs } from './diff-logs.js';
import { diffProcesses, type ProcessTolerances } from './diff-processes.js';
import { diffPods, diffUnit } from './diff-restarts.js';
import type { LineSetDiff, LogDiff, MissingEvidence, ValueChange } from './diff-types.js';
import { diffVersions } from './diff-versions.js';
import { findMissingEvidence } from './missing-evidence.js';
import { summariseDiff, type DiffSummary } from './summarise-diff.js';

export interface BundleRef {
  label: string;
  service: string;
  takenAt: string;
  jobId: string | undefined;
  /** "host web-1 (kaizen.service)" or "deployment default/kaizen on fake/default". */
  target: string;
}

/** Everything two bundles differ in, `a` being the earlier one (the baseline), `b` the later one. */
export interface BundleDiff {
  a: BundleRef;
  b: BundleRef;
  /** True when no significant difference was found in what both bundles hold. */
  matches: boolean;
  summary: DiffSummary;
  logs: LogDiff[];
  /** Counters, states, sizes and versions that changed (significant or not). */
  values: ValueChange[];
  /** Hardening checks, captured files and the unit's Environment, line by line. */
  lineSets: LineSetDiff[];
  /** Evidence only one bundle has: not compared. */
  missing: MissingEvidence[];
  /** Other things a reader should know (different services or targets). */
  notes: string[];
}

export interface DiffOptions {
  /** Which log lines are error lines; default /error|fail|fatal|panic|exception|traceback|crit|oom/i. */
  errorPattern?: RegExp;
  tolerances?: ProcessTolerances;
}

export function describeTarget(target: BundleTarget): string {
  return target.kind === 'host'
    ? `host ${target.host}${target.unit ? ` (${target.unit})` : ''}`
    : `deployment ${target.namespace}/${target.deployment} on ${target.cluster}`;
}

function ref(manifest: BundleManifest): BundleRef {
  return {
    label: manifest.label,
    service: manifest.service,
    takenAt: manifest.takenAt,
    jobId: manifest.jobId,
    target: describeTarget(manifest.target),
  };
}

/**
 * Compares two bundles: new and gone error lines (normalised, so timestamps, pids and ids do not count),
 * restart counts and unit or pod states, memory/threads/fds per process name (beyond a tolerance), the
 * hardening report, images and versions, captured files. Two bundles that differ only in timestamps and
 * pids match.
 */
export function diffBundles(
  rawA: EvidenceBundle,
  rawB: EvidenceBundle,
  options: DiffOptions = {},
): BundleDiff {
  // Bundles from elsewhere (an older bot, another tool) may hold secrets: compare redacted text only.
  const a = redactedView(rawA);
  const b = redactedView(rawB);
  const unit = diffUnit(a, b);
  const hardening = diffHardening(a, b);
  const values = [
    ...unit.changes,
    ...diffPods(a, b),
    ...diffProcesses(a, b, options.tolerances),
    ...(hardening.exposure ? [hardening.exposure] : []),
    ...diffVersions(a, b),
  ];
  const lineSets = [
    ...(hardening.lines ? [hardening.lines] : []),
    ...(unit.environment ? [unit.environment] : []),
    ...diffCapturedFiles(a, b),
  ];
  const logs = diffLogs(a, b, options.errorPattern);
  const missing = findMissingEvidence(a, b);
  const notes: string[] = [];
  if (a.manifest.service !== b.manifest.service) {
    notes.push(`different services: ${a.manifest.service} and ${b.manifest.service}`);
  }
  if (describeTarget(a.manifest.target) !== describeTarget(b.manifest.target)) {
    notes.push(
      `different targets: ${describeTarget(a.manifest.target)} and ${describeTarget(b.manifest.target)}`,
    );
  }
  const parts = { a: ref(a.manifest), b: ref(b.manifest), logs, values, lineSets, missing, notes };
  const summary = summariseDiff(parts);
  return { ...parts, matches: summary.matches, summary };
}

/** The same bundle whose files read redacted (each file once, on first read). */
function redactedView(bundle: EvidenceBundle): EvidenceBundle {
  const cache = new Map<string, string | undefined>();
  const text = (path: string): string | undefined => {
    if (!cache.has(path)) {
      const raw = bundle.text(path);
      cache.set(path, raw === undefined ? undefined : redactText(raw));
    }
    return cache.get(path);
  };
  return {
    manifest: bundle.manifest,
    paths: bundle.paths,
    has: (path) => bundle.has(path),
    text,
    bytes: (path) => {
      const redacted = text(path);
      return redacted === undefined ? undefined : Buffer.from(redacted);
    },
  };
}
