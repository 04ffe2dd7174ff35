import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * vitest globalSetup of the CLI tests: `npm run build` once before them (incremental, so an unchanged tree
 * takes a few seconds), so every test runs `node dist/cli/main.js` as the package's `bin` does.
 */
export async function setup(): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = await execa(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: REPO_ROOT,
    reject: false,
    all: true,
  });
  if (result.exitCode !== 0) throw new Error(`Building the CLI failed (npm run build):\n${result.all}`);
}
