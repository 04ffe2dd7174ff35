import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startVitest } from 'vitest/node';
import { FailureSummaryReporter } from '../support/failure-summary-reporter.js';

const FAILING = `import { beforeAll, describe, expect, it } from 'vitest';
describe('starts a bot', () => {
  beforeAll(() => { throw new Error('bot did not start in time'); });
  it('rolls back', () => { expect(1).toBe(1); });
  it('reports', () => { expect(1).toBe(1); });
});
describe('answers', () => { it('says hello', () => { expect('hi').toBe('hello'); }); });
`;
const PASSING = `import { expect, it } from 'vitest';
it('works', () => { expect(1).toBe(1); });
`;

let dir = '';
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs vitest on the given files in a scratch folder; returns what the summary reporter wrote. */
async function summaryOf(files: Record<string, string>): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'summary-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  let written = '';
  const vitest = await startVitest('test', [], {
    root: dir,
    watch: false,
    config: false,
    reporters: [new FailureSummaryReporter((text) => (written += text))],
  });
  await vitest.close();
  process.exitCode = 0; // the failing fixture must not fail this run
  return written;
}

describe('the failure summary printed at the end of a test run', () => {
  it('names the failed file, the failed hook with its error, and the failed test with its assertion', async () => {
    const summary = await summaryOf({ 'a-fails.test.ts': FAILING, 'b-passes.test.ts': PASSING });
    expect(summary).toContain('Failed, in short (1 file(s), 0 unhandled error(s))');
    expect(summary).toContain('a-fails.test.ts');
    expect(summary).not.toContain('b-passes.test.ts');
    expect(summary).toMatch(/starts a bot: Error: bot did not start in time at .*a-fails\.test\.ts:3/);
    expect(summary).toContain('✗ answers > says hello');
    expect(summary).toContain("expected 'hi' to be 'hello'");
  });

  it('prints nothing when every test passes', async () => {
    expect(await summaryOf({ 'b-passes.test.ts': PASSING })).toBe('');
  });
});
