import type { LocalFiles } from '../../ports/local-files.js';
import type { HostStepDeps } from '../host/host-shell.js';

/** What the files strategy needs from outside: the host steps' runners, and the worker's own disk. */
export interface FilesStepDeps extends HostStepDeps {
  /** Used for host "local" without sudo; see {@link LocalFiles}. */
  localFiles: LocalFiles;
}
