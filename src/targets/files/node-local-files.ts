import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DirectoryEntry, LocalFiles } from '../../rollback/ports/local-files.js';

/** The LocalFiles port over node:fs: the files strategy's operations on the worker's own disk. */
export function nodeLocalFiles(): LocalFiles {
  return {
    async listDirectories(dir): Promise<DirectoryEntry[]> {
      const entries = await readdir(dir, { withFileTypes: true });
      return Promise.all(
        entries
          .filter((e) => e.isDirectory())
          .map(async (e) => ({ name: e.name, mtimeMs: (await stat(join(dir, e.name))).mtimeMs })),
      );
    },
    async isDirectory(path) {
      return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
    },
    async copyContents(from, to) {
      await mkdir(to, { recursive: true });
      await cp(from, to, { recursive: true, force: true, preserveTimestamps: true, verbatimSymlinks: true });
    },
    async remove(path) {
      await rm(path, { recursive: true, force: true });
    },
  };
}
