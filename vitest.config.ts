import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { FailureSummaryReporter } from './test/support/failure-summary-reporter.js';
import { SlowFirstSequencer } from './test/support/slow-first-sequencer.js';

/**
 * Test files at a time. vitest's default is one less than the cores: a single worker on the 2-core CI
 * machine. Most files spend their time waiting (on the bot and worker processes they start, on kubectl,
 * redis-server, Chromium, the stand-in executables), so twice the cores keeps the CPU busy; more files at
 * once than that only slows each one down. `VITEST_MAX_WORKERS=<n> npx vitest run` overrides it (the
 * `--maxWorkers` flag does not reach the projects, which inherit this value).
 */
const FILES_AT_A_TIME = Math.min(8, Math.max(4, availableParallelism() * 2));

/**
 * Files that flood a bot process (hundreds of connections and a bound on its memory; 20 rollbacks at once in
 * one rate-limited channel): they run after all the others, one at a time, so neither they nor the other files
 * disturb each other. The 20-rollbacks test passed in two full parallel runs on a quiet machine (13:43 and
 * 13:53 UTC on 2026-12-04), then failed in the CI run at 14:48: under the whole suite's load one rollback made
 * 11 Web API calls, one over its budget (a `conversations.replies` look-up before re-drawing, the crash-safe
 * path, after a slow answer). It stays here.
 */
const RUN_ALONE = [
  'test/transport/http/slow-clients.test.ts',
  'test/e2e/twenty-rollbacks-one-channel.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // `expect.poll` waits for something that must happen; its default of 1 s is too short for a worker to
    // start and a lazily loaded client to answer on a busy machine. Waiting longer weakens no assertion.
    expect: { poll: { timeout: 10_000 } },
    // Tests share one real Redis; each test file uses its own key prefix, so files may run in parallel.
    pool: 'forks',
    maxWorkers: FILES_AT_A_TIME,
    // The longest files first (test/support/slow-test-files.ts), so the run does not end on one of them.
    sequence: { sequencer: SlowFirstSequencer },
    // After the default summary, failures again in a few lines: CI logs are often read from their end.
    reporters: ['default', new FailureSummaryReporter()],
    projects: [
      {
        extends: true,
        test: { name: 'bot', include: ['test/**/*.test.ts'], exclude: ['test/cli/**', ...RUN_ALONE] },
      },
      {
        extends: true,
        test: { name: 'alone', include: RUN_ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
      {
        // The CLI tests run the compiled CLI (dist/cli/main.js) as users do: built once, only when they run.
        extends: true,
        test: { name: 'cli', include: ['test/cli/**/*.test.ts'], globalSetup: ['test/cli/build-cli.ts'] },
      },
    ],
  },
});
