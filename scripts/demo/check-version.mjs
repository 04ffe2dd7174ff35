#!/usr/bin/env node
/* global process, fetch, AbortSignal */
// The demo service's smoke test: the running app must report the version checked out in its work tree.
//
//   node scripts/demo/check-version.mjs <health url> <work tree>/VERSION
import { readFileSync } from 'node:fs';

const [url, versionFile] = process.argv.slice(2);
if (!url || !versionFile) {
  process.stderr.write('usage: check-version.mjs <health url> <VERSION file>\n');
  process.exit(2);
}
const expected = readFileSync(versionFile, 'utf8').trim();
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const body = await response.json();
  if (body.version === expected) {
    process.stdout.write(`${url} answers ${body.version}, the version checked out (${expected})\n`);
    process.exit(0);
  }
  process.stdout.write(`${url} answers ${body.version}, but ${expected} is checked out\n`);
} catch (error) {
  process.stdout.write(`${url} did not answer: ${error instanceof Error ? error.message : String(error)}\n`);
}
process.exit(1);
