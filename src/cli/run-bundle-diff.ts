import { readFile } from 'node:fs/promises';
import { readBundle, type EvidenceBundle } from '../evidence/bundle/read-bundle.js';
import { diffBundles } from '../evidence/diff/diff-bundles.js';
import { formatFullDiff } from '../evidence/diff/format-diff.js';
import { BundleUnreadableError } from '../evidence/evidence-errors.js';
import type { CliIo } from './cli-io.js';
import { EXIT, type ExitCode } from './exit-codes.js';

export const BUNDLE_DIFF_HELP = `
Compares two evidence bundles, the earlier (baseline) first: new and gone error lines, restart counts,
memory and open files per process, the hardening report, images and versions.

Exit codes:
  0  the bundles match
  1  they differ
  2  a bundle could not be read

Examples:
  rollback-bot bundle diff pre-deploy.tar.gz post-rollback.tar.gz
  rollback-bot bundle diff pre-deploy.tar.gz broken.tar.gz --full`;

export interface BundleDiffOptions {
  full?: boolean;
  json?: boolean;
}

/** `rollback-bot bundle diff <a> <b>`: the summary (or the full diff, or JSON); needs no configuration. */
export async function runBundleDiff(
  pathA: string,
  pathB: string,
  options: BundleDiffOptions,
  io: CliIo,
): Promise<ExitCode> {
  const a = await open(pathA, io);
  const b = a === undefined ? undefined : await open(pathB, io);
  if (a === undefined || b === undefined) return EXIT.refused;
  const diff = diffBundles(a, b);
  if (options.json) io.out(JSON.stringify(diff, null, 2));
  else io.out(options.full ? formatFullDiff(diff).trimEnd() : diff.summary.text);
  return diff.matches ? EXIT.ok : EXIT.failed;
}

async function open(path: string, io: CliIo): Promise<EvidenceBundle | undefined> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.err(`✖ cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'error')}`);
    return undefined;
  }
  try {
    return await readBundle(data);
  } catch (error) {
    if (!(error instanceof BundleUnreadableError)) throw error;
    io.err(`✖ ${path} is not an evidence bundle: ${error.message}`);
    return undefined;
  }
}
