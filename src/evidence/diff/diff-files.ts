import type { EvidenceBundle } from '../bundle/read-bundle.js';
import type { LineSetDiff } from './diff-types.js';

/** Captured files (`files/...`): lines added and removed, order ignored. */
export function diffCapturedFiles(a: EvidenceBundle, b: EvidenceBundle): LineSetDiff[] {
  const diffs: LineSetDiff[] = [];
  for (const path of a.paths.filter((p) => p.startsWith('files/') && b.has(p))) {
    const was = lines(a.text(path));
    const now = lines(b.text(path));
    const added = now.filter((l) => !was.includes(l));
    const removed = was.filter((l) => !now.includes(l));
    if (added.length + removed.length > 0) diffs.push({ what: path, area: 'files', added, removed });
  }
  return diffs;
}

function lines(text: string | undefined): string[] {
  return (text ?? '')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
}
