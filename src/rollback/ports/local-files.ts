/** A directory entry with its modification time, as the files strategy lists backups. */
export interface DirectoryEntry {
  name: string;
  /** Modification time, epoch milliseconds. */
  mtimeMs: number;
}

/**
 * The worker's own file system, for a files rollback on host "local" without sudo (implemented in
 * targets/files with node:fs; the domain never touches the disk itself). Remote hosts, and local ones with
 * sudo, use argv commands over the host's CommandRunner instead.
 */
export interface LocalFiles {
  /** The subdirectories of `dir` (not files), in no particular order. */
  listDirectories(dir: string): Promise<DirectoryEntry[]>;
  /** False when `path` is missing or is not a directory. */
  isDirectory(path: string): Promise<boolean>;
  /** Copies the contents of `from` over `to` (like `cp -a from/. to/`), creating `to`; keeps times and links. */
  copyContents(from: string, to: string): Promise<void>;
  /** Removes `path` and everything below it; a missing path is no error. */
  remove(path: string): Promise<void>;
}
