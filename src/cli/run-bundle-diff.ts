import { readFile } from 'node:fs/promises';
import { readBundle, type EvidenceBundle } from '../evidence/bundle/read-bundle.js';
import { diffBundles } from '../evidence/diff/diff-bundles.js';
import { formatFullDiff } from '../evidence/diff/format-diff.js';
import { BundleUnreadableError } from '../evidence/evidence-errors.js';
import type { BundleDiffOptions } from './bundle-diff-help.js';
import type { CliIo } from './cli-io.js';
import { EXIT, type ExitCode } from './exit-codes.js';

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
