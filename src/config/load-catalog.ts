import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { COMMAND_KEYWORDS } from './command-keywords.js';
import { Catalog } from './catalog.js';
import { CatalogError, type CatalogProblem } from './catalog-error.js';
import { catalogErrorMap, describeSchemaIssues } from './describe-schema-issues.js';
import { serviceSchema, type ServiceConfig } from './service-schema.js';

const SERVICE_FILE = /^[^.].*\.ya?ml$/;

/**
 * Reads every `*.yaml` / `*.yml` file directly in `dir` (one service per file, named after the file; hidden
 * files and subdirectories are ignored) and validates it with `serviceSchema`. Every problem in every file is
 * collected before failing, so one run of `config check` shows them all.
 *
 * @throws CatalogError listing each problem as `file[:line:column]: path: message`.
 */
export async function loadCatalog(dir: string): Promise<Catalog> {
  const files = await listServiceFiles(dir);
  const problems: CatalogProblem[] = [];
  const services: ServiceConfig[] = [];
  const seen = new Map<string, string>();

  for (const fileName of files) {
    const file = join(dir, fileName);
    const name = basename(fileName, extname(fileName));
    const report = (path: string, message: string): void => void problems.push({ file, path, message });

    const previous = seen.get(name);
    if (previous !== undefined) {
      report('', `service "${name}" is already defined in ${previous}; keep one of the two files`);
      continue;
    }
    seen.set(name, file);

    const parsed = await readYaml(file);
    if ('problems' in parsed) {
      problems.push(...parsed.problems);
      continue;
    }
    const data = parsed.data;
    if (data === null || data === undefined) {
      report('', 'the file is empty; it should describe one service (see docs/service-catalog.md)');
      continue;
    }
    const result = serviceSchema.safeParse(data, { error: catalogErrorMap });
    const declared =
      typeof data === 'object' && !Array.isArray(data) ? (data as { name?: unknown }).name : undefined;
    if (typeof declared === 'string' && declared !== name) {
      report(
        'name',
        `"${declared}" must match the file name: rename the file to ${declared}${extname(fileName)} or set name: ${name}`,
      );
    }
    if ((COMMAND_KEYWORDS as readonly string[]).includes(name)) {
      report(
        'name',
        `"${name}" is a command word (${COMMAND_KEYWORDS.join(', ')}); choose another service name`,
      );
    }
    if (!result.success) {
      for (const issue of describeSchemaIssues(result.error.issues, serviceSchema))
        report(issue.path, issue.message);
      continue;
    }
    services.push(result.data);
  }

  if (problems.length > 0) throw new CatalogError(problems);
  return new Catalog(services);
}

async function listServiceFiles(dir: string): Promise<string[]> {
  const fail = (message: string): never => {
    throw new CatalogError([{ file: dir, path: '', message }]);
  };
  let entries: string[] = [];
  try {
    if (!(await stat(dir)).isDirectory())
      fail('is not a directory; point the service catalog at the folder of service files');
    entries = await readdir(dir);
  } catch (error) {
    if (error instanceof CatalogError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    fail(
      code === 'ENOENT'
        ? 'the service catalog directory does not exist'
        : `cannot be read (${code ?? String(error)})`,
    );
  }
  const files = entries.filter((entry) => SERVICE_FILE.test(entry)).sort();
  if (files.length === 0)
    fail('has no service files (*.yaml or *.yml); add one per service, like kaizen.yaml');
  return files;
}

type ReadResult = { data: unknown } | { problems: CatalogProblem[] };

/** Parses one YAML document; syntax errors (and warnings such as unknown tags) come with line and column. */
async function readYaml(file: string): Promise<ReadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problems: [{ file, path: '', message: `cannot be read (${code ?? String(error)})` }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const errors = [...doc.errors, ...doc.warnings];
  if (errors.length > 0) {
    return {
      problems: errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        const message =
          error.code === 'MULTIPLE_DOCS'
            ? 'a file holds one service: remove the "---" and move the second service to its own file'
            : `YAML syntax error: ${error.message}`;
        return { file, path: '', message, line, column: col };
      }),
    };
  }
  try {
    return { data: doc.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    // yaml refuses alias bombs ("billion laughs") and aliases to nothing here, after parsing.
    const message = error instanceof Error ? error.message : String(error);
    return { problems: [{ file, path: '', message: `YAML cannot be read: ${message}` }] };
  }
}
