import { redactText } from '../config/redact-text.js';
import type { EvidenceBundle } from './bundle/read-bundle.js';

export interface QuickDiagnosis {
  /** Where the lines come from: "logs/journald.txt" or the pod logs. */
  sources: string[];
  /** The last `count` lines containing "error" (any case), oldest first. */
  errors: string[];
  /** The last `count` lines containing "fail" (any case), oldest first. */
  failures: string[];
}

/**
 * The runbook's quick diagnosis of a broken-state bundle, without extracting it:
 * `grep -i error logs/journald.txt | tail -20` and the same for `fail` (pod logs for Kubernetes bundles).
 */
export function quickDiagnosis(bundle: EvidenceBundle, count = 20): QuickDiagnosis {
  const sources = bundle.has('logs/journald.txt')
    ? ['logs/journald.txt']
    : bundle.paths.filter((p) => p.startsWith('kubernetes/logs/'));
  const lines = sources.flatMap((path) =>
    redactText(bundle.text(path) ?? '')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('[rollback-bot:'))
      .map((line) =>
        sources.length > 1 ? `${path.slice('kubernetes/logs/'.length, -'.txt'.length)}: ${line}` : line,
      ),
  );
  const last = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).slice(-count);
  return { sources, errors: last(/error/i), failures: last(/fail/i) };
}
