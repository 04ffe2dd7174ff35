import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'vitest';

/**
 * Compares `actual` (as pretty JSON, or a string as-is) with the golden file at `path`. With
 * UPDATE_GOLDEN=1 the file is (re)written instead; without it a missing golden fails the test, so goldens
 * are only ever created on purpose and reviewed before they are committed.
 */
export function expectGolden(path: string, actual: unknown, env: NodeJS.ProcessEnv = process.env): void {
  const text = typeof actual === 'string' ? actual : `${JSON.stringify(actual, null, 2)}\n`;
  if (env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(
      `Golden file ${path} is missing: run the test with UPDATE_GOLDEN=1, check the file and commit it.`,
    );
  }
  expect(text, `differs from golden ${path} (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(path, 'utf8'));
}
