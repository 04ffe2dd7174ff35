import { redactText } from '../config/redact-text.js';
import type { BundleManifest } from './bundle/bundle-manifest.js';
import type { EvidenceBundle } from './bundle/read-bundle.js';
import type { BundleDiff } from './diff/diff-bundles.js';
import { describeTarget } from './diff/diff-bundles.js';
import { formatFullDiff } from './diff/format-diff.js';
import { quickDiagnosis } from './quick-diagnosis.js';

/** A thread message stays well under Slack's 4,000 characters; the report page has everything. */
export const MAX_REPORT_CHARS = 3000;

/** "host web-1 (kaizen.service): 4 collectors ok, hardening failed (exit 1)". */
export function describeCollectors(manifest: BundleManifest): string {
  const ok = manifest.collectors.filter((c) => c.ok).length;
  const failed = manifest.collectors
    .filter((c) => !c.ok)
    .map((c) => `${c.name} failed (${(c.error ?? 'no reason').split('\n')[0]?.slice(0, 120)})`);
  return `${describeTarget(manifest.target)}: ${ok} collector${ok === 1 ? '' : 's'} ok${failed.length ? `, ${failed.join(', ')}` : ''}`;
}

/** Collectors that failed, "name: reason", for the capture's record. */
export function failedCollectors(manifest: BundleManifest): string[] {
  return manifest.collectors.filter((c) => !c.ok).map((c) => `${c.name}: ${c.error ?? 'failed'}`);
}

/**
 * The runbook's quick diagnosis of broken-state bundles, as one thread message: per bundle, the last
 * `count` lines with "error" and with "fail" from its logs.
 */
export function diagnosisReport(bundles: readonly EvidenceBundle[], count = 20): string {
  const parts = bundles.map((bundle) => {
    const d = quickDiagnosis(bundle, count);
    const head = `Broken state captured: ${describeCollectors(bundle.manifest)}`;
    if (d.sources.length === 0) return `${head}\nNo logs in the bundle: no quick diagnosis.`;
    const section = (what: string, lines: string[]) =>
      lines.length === 0
        ? [`No "${what}" lines in ${d.sources.join(', ')}.`]
        : [`Last ${lines.length} "${what}" line${lines.length === 1 ? '' : 's'}:`, ...lines];
    return [head, ...section('error', d.errors), ...section('fail', d.failures)].join('\n');
  });
  return fit(redactText(parts.join('\n\n')));
}

/** The diffs of post-rollback bundles, as one thread message: each summary first, then the full diffs. */
export function diffReport(diffs: readonly BundleDiff[], uncompared: readonly string[]): string {
  const summaries = [
    ...diffs.map((d) => `${d.summary.text} (${d.b.target})`),
    ...uncompared.map((target) => `post-rollback on ${target}: nothing to compare with`),
  ];
  const full = diffs.filter((d) => !d.matches).map((d) => formatFullDiff(d).trimEnd());
  return fit(redactText([...summaries, ...(full.length ? ['', ...full] : [])].join('\n')));
}

function fit(text: string): string {
  if (text.length <= MAX_REPORT_CHARS) return text;
  return `${text.slice(0, MAX_REPORT_CHARS - 60).trimEnd()}\n... (cut; the full diff is on the report page)`;
}
