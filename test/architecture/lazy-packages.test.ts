import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Packages the bot loads only when it first needs them (a dynamic `import()` behind a factory), so an
 * idle `ROLE=all` process stays small: @kubernetes/client-node alone is about 45 MB and 1–3 s to load.
 * Measured in BENCHMARKS.md ("Idle RSS").
 */
const LAZY = ['@kubernetes/client-node', '@bull-board/', '@pagerduty/pdjs', 'execa'];

/** The modules `file` imports for their values at load time: no `import type`, no `import()`. */
function staticValueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      if (!typeOnly) found.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      found.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return found;
}

/** Every package reached from `entry` through static value imports, with the file that imports it. */
function packagesLoadedAtStart(entry: string): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of staticValueImports(file)) {
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!packages.has(specifier)) packages.set(specifier, file);
    }
  }
  return packages;
}

describe('what the bot loads at start-up', () => {
  it('leaves the Kubernetes client, Bull Board, PagerDuty client and execa to their first use', () => {
    const loaded = packagesLoadedAtStart(resolve('src/main/main.ts'));
    const eager = [...loaded].filter(([name]) => LAZY.some((lazy) => name.startsWith(lazy)));
    expect(eager.map(([name, by]) => `${name} (imported by ${by})`)).toEqual([]);
    // The walk itself works: it finds what the bot does load at start.
    expect([...loaded.keys()]).toEqual(expect.arrayContaining(['@slack/bolt', 'bullmq', 'fastify']));
  });
});
