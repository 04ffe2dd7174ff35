import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Only the composition roots read the environment: `npm start` and the bot's wiring (src/main) and the
 * CLI's entry (src/cli/main.ts). Everything else gets the values it needs passed in, so a test can give
 * them without touching process.env and a reader finds every variable in one place.
 */
const COMPOSITION_ROOTS = [/^src\/main\//, /^src\/cli\/main\.ts$/];

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The lines of `file` that reach `process.env` (`process.env`, `process['env']`, `const { env } = process`). */
function environmentReads(file: string, text = readFileSync(file, 'utf8')): number[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const isProcess = (node: ts.Node) => ts.isIdentifier(node) && node.text === 'process';
  const visit = (node: ts.Node): void => {
    const reads =
      (ts.isPropertyAccessExpression(node) && isProcess(node.expression) && node.name.text === 'env') ||
      (ts.isElementAccessExpression(node) &&
        isProcess(node.expression) &&
        ts.isStringLiteralLike(node.argumentExpression) &&
        node.argumentExpression.text === 'env') ||
      (ts.isVariableDeclaration(node) &&
        node.initializer !== undefined &&
        isProcess(node.initializer) &&
        ts.isObjectBindingPattern(node.name) &&
        node.name.elements.some((element) => (element.propertyName ?? element.name).getText() === 'env'));
    if (reads) lines.push(source.getLineAndCharacterOfPosition(node.getStart()).line + 1);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines;
}

describe('reading the environment', () => {
  it('happens only in the composition roots (src/main, src/cli/main.ts)', () => {
    const outside = sourceFiles('src')
      .map((file) => relative('.', file).split('\\').join('/'))
      .filter((file) => !COMPOSITION_ROOTS.some((root) => root.test(file)))
      .flatMap((file) => environmentReads(file).map((line) => `${file}:${line}`));
    expect(outside).toEqual([]);
  });

  it('is found however it is written, and a mere mention is not a read', () => {
    const probe = [
      "const text = 'process.env'; // process.env in a comment",
      'const host = process.env.KUBERNETES_SERVICE_HOST;',
      "const port = process['env']['KUBERNETES_SERVICE_PORT'];",
      'const { env } = process;',
      'export function look(environment = process.env) { return environment; }',
      'export const other = { env: 1 }.env + text + host + port + env;',
    ].join('\n');
    expect(environmentReads('src/targets/probe.ts', probe)).toEqual([2, 3, 4, 5]);
  });
});
