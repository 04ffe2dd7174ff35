import type { ServiceConfig } from '../../../config/service-schema.js';
import type { FilesSection } from '../../../config/strategies/files-schema.js';
import { strategySection } from '../strategy-section.js';

/** The service's `files:` section; a service without one cannot use this strategy. */
export function filesSection(service: ServiceConfig): FilesSection {
  return strategySection(service, 'files');
}

/** Where the files of `path` are saved before job `jobId` overwrites them. */
export function preRollbackDir(files: FilesSection, jobId: string): string {
  return `${files.backupDir}/.pre-rollback-${jobId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}
