import { RollbackError } from '../errors/rollback-error.js';

/** One thing wrong in the service catalog. */
export interface CatalogProblem {
  /** The file (as joined from the directory given to loadCatalog), or the directory itself. */
  file: string;
  /** Dotted field path (`kubernetes.rolloutTimeout`, `hosts.0.name`); empty for the whole file. */
  path: string;
  message: string;
  /** 1-based line (and column) for YAML syntax errors. */
  line?: number;
  column?: number;
}

/**
 * `invalid_catalog`: the service catalog cannot be used. Lists every problem found, one per line, like
 * `config/services/kaizen.yaml: kubernetes.rolloutTimeout: must be like 30s, 5m, 1h or a number of seconds`.
 */
export class CatalogError extends RollbackError {
  readonly problems: readonly CatalogProblem[];

  constructor(problems: readonly CatalogProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super('invalid_catalog', `The service catalog has ${count}:\n${problems.map(formatProblem).join('\n')}`, {
      hint: 'Fix the files listed and start again; docs/service-catalog.md describes every field.',
      details: problems.map(formatProblem),
    });
    this.problems = problems;
  }
}

/** `file[:line[:column]]: [path: ]message` */
export function formatProblem(problem: CatalogProblem): string {
  const where =
    problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return problem.path === ''
    ? `${where}: ${problem.message}`
    : `${where}: ${problem.path}: ${problem.message}`;
}
