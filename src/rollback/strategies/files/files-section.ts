import type { ServiceConfig } from '../../../config/service-schema.js';
import type { FilesSection } from '../../../config/strategies/files-schema.js';
import { PermanentError } from '../../errors.js';

/** The service's `files:` section; a service without one cannot use this strategy. */
export function filesSection(service: ServiceConfig): FilesSection {
  if (service.files === undefined) {
    throw new PermanentError('not_configured', `service ${service.name} has no files: section`);
  }
  return service.files;
}

/** Where the files of `path` are saved before job `jobId` overwrites them. */
export function preRollbackDir(files: FilesSection, jobId: string): string {
  return `${files.backupDir}/.pre-rollback-${jobId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}
