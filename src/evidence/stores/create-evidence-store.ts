import { DEFAULT_RETENTION, type EvidenceStore, type RetentionPolicy } from '../evidence-store.js';
import { DirectoryEvidenceStore } from './directory-evidence-store.js';
import { S3EvidenceStore, type S3EvidenceStoreOptions } from './s3-evidence-store.js';

/** Where bundles go, as the composition root reads it from the environment (see loadEvidenceConfig). */
export type EvidenceStoreConfig =
  | { kind: 'directory'; directory: string; retention: RetentionPolicy }
  | { kind: 's3'; s3: S3EvidenceStoreOptions; retention: RetentionPolicy };

export const DEFAULT_EVIDENCE_DIR = '.data/evidence';

export function createEvidenceStore(config: EvidenceStoreConfig): EvidenceStore {
  return config.kind === 's3' ? new S3EvidenceStore(config.s3) : new DirectoryEvidenceStore(config.directory);
}

export { DEFAULT_RETENTION };
