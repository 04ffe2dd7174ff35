/** Size limits of a bundle, applied after redaction; see docs/service-catalog.md (`evidence.limits`). */
export interface BundleLimits {
  /** Largest single file; longer files are cut with a marker line. */
  fileBytes: number;
  /** Largest total of all files (the manifest aside); files past it are cut or left out. */
  bundleBytes: number;
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = { fileBytes: 1024 * 1024, bundleBytes: 8 * 1024 * 1024 };

/** Which end of a cut file is kept: logs keep their newest lines (the tail), other files their head. */
export type KeepEnd = 'head' | 'tail';

/** A file cut to fit: `text` is at most `maxBytes` bytes, marker included, cut at a line end when possible. */
export function truncateText(
  text: string,
  maxBytes: number,
  keep: KeepEnd,
): { text: string; truncatedFrom?: number } {
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return { text };
  const marker = (kept: number) =>
    `[rollback-bot: file truncated, kept the ${keep === 'tail' ? 'last' : 'first'} ${kept} of ${bytes} bytes]`;
  const budget = Math.max(0, maxBytes - Buffer.byteLength(marker(maxBytes)) - 2);
  const buffer = Buffer.from(text);
  let kept =
    keep === 'tail'
      ? buffer.subarray(buffer.length - budget).toString('utf8')
      : buffer.subarray(0, budget).toString('utf8');
  kept = keep === 'tail' ? dropPartialFirstLine(kept) : dropPartialLastLine(kept);
  const note = marker(Buffer.byteLength(kept));
  return { text: keep === 'tail' ? `${note}\n${kept}` : `${kept}${note}\n`, truncatedFrom: bytes };
}

/** Lines this close to the cut are dropped whole; past it, only a character split in two is. */
const LINE_SEARCH = 4096;

function dropPartialLastLine(kept: string): string {
  const cut = kept.lastIndexOf('\n');
  return cut >= 0 && cut >= kept.length - LINE_SEARCH ? kept.slice(0, cut + 1) : kept.replace(/\uFFFD$/, '');
}

function dropPartialFirstLine(kept: string): string {
  const cut = kept.indexOf('\n');
  return cut >= 0 && cut < LINE_SEARCH ? kept.slice(cut + 1) : kept.replace(/^\uFFFD/, '');
}
