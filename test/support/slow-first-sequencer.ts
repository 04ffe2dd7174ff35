import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { SLOW_TEST_FILES } from './slow-test-files.js';

/**
 * vitest `sequence.sequencer`: the longest test files start first, so none of them starts last and keeps
 * the run going alone while the other workers sit idle. A file's weight is its duration in vitest's cache
 * of the last run on this machine; a fresh clone has no cache, so then it is the figure in
 * `slow-test-files.ts`. Files with neither keep vitest's own order (larger files first).
 */
export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    const root = this.ctx.config.root;
    const weight = new Map<TestSpecification, number>();
    for (const spec of ordered) {
      const path = relative(root, spec.moduleId).split('\\').join('/');
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`)?.duration;
      weight.set(spec, cached ?? (SLOW_TEST_FILES[path] ?? 0) * 1000);
    }
    // Array.prototype.sort is stable: files of equal weight keep vitest's order.
    return ordered.sort((a, b) => (weight.get(b) ?? 0) - (weight.get(a) ?? 0));
  }
}
