import type { Reporter, SerializedError, TestCase, TestModule, TestSuite } from 'vitest/node';

/** The first lines of an error: its message and where it was thrown, enough to tell one failure from another. */
function brief(error: SerializedError): string {
  const lines = `${error.name ?? 'Error'}: ${error.message ?? ''}\n${error.stack ?? ''}`.split('\n');
  const where = lines.find((line) => /^\s+at /.test(line) && !line.includes('node_modules'));
  // An assertion's actual value says what went wrong where its message only says "to equal" (cut short).
  const actual = error.actual === undefined ? undefined : `actual: ${String(error.actual).slice(0, 4000)}`;
  return [lines[0], where?.trim(), actual].filter(Boolean).join(' ');
}

function describeFailures(module: TestModule): string[] {
  const found: string[] = [];
  const visit = (entity: TestModule | TestSuite): void => {
    for (const error of entity.errors())
      found.push(`  ${entity.type === 'suite' ? entity.fullName : '(file)'}: ${brief(error)}`);
    for (const child of entity.children) {
      if (child.type === 'suite') visit(child);
      else if (child.result().state === 'failed') found.push(...failedTest(child));
    }
  };
  visit(module);
  return found;
}

function failedTest(test: TestCase): string[] {
  const errors = test.result().errors ?? [];
  return [`  ✗ ${test.fullName}`, ...errors.slice(0, 2).map((error) => `      ${brief(error)}`)];
}

/**
 * Names every failed file, suite hook and test again in a few lines after the run's own summary, so a CI log
 * that keeps only its end still says what failed (a failed `beforeAll` otherwise shows only as "skipped").
 */
export class FailureSummaryReporter implements Reporter {
  constructor(private readonly write: (text: string) => void = (text) => process.stdout.write(text)) {}

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    const failed = modules.filter((module) => module.state() === 'failed');
    if (failed.length === 0 && unhandled.length === 0) return;
    const lines = [
      '',
      `Failed, in short (${failed.length} file(s), ${unhandled.length} unhandled error(s)):`,
    ];
    for (const module of failed) {
      lines.push(
        `✗ ${[module.project.name, module.relativeModuleId].filter(Boolean).join(': ')}`,
        ...describeFailures(module),
      );
    }
    for (const error of unhandled) lines.push(`✗ unhandled: ${brief(error)}`);
    this.write(`${lines.join('\n')}\n`);
  }
}
