import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests share one real Redis; each test file uses its own key prefix, so files may run in parallel.
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'bot', include: ['test/**/*.test.ts'], exclude: ['test/cli/**'] },
      },
      {
        // The CLI tests run the compiled CLI (dist/cli/main.js) as users do: built once, only when they run.
        extends: true,
        test: { name: 'cli', include: ['test/cli/**/*.test.ts'], globalSetup: ['test/cli/build-cli.ts'] },
      },
    ],
  },
});
