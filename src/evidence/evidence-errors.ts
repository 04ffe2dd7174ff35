import { PermanentError, RetryableError, type RollbackErrorOptions } from '../errors/rollback-error.js';

export type { EvidenceErrorCode } from '../errors/error-codes.js';
import type { EvidenceErrorCode } from '../errors/error-codes.js';

/** A bundle that is not a gzip'd tar with a valid manifest, or is bigger than a reader accepts. */
export class BundleUnreadableError extends PermanentError {
  constructor(message: string, options: RollbackErrorOptions = {}) {
    super('evidence_unreadable' satisfies EvidenceErrorCode, message, options);
  }
}

/** A bundle id that no store could have made (path tricks, wrong shape). */
export class BadBundleIdError extends PermanentError {
  constructor(id: string) {
    super(
      'evidence_bad_id' satisfies EvidenceErrorCode,
      `"${id.slice(0, 120)}" is not an evidence bundle id`,
    );
  }
}

/** The store did not answer or answered 5xx/429: try again later. */
export class EvidenceStoreUnavailableError extends RetryableError {
  constructor(message: string, options: RollbackErrorOptions = {}) {
    super('evidence_store_unavailable' satisfies EvidenceErrorCode, message, options);
  }
}

/** The store refused (credentials, permissions) or failed in a way a retry will not fix. */
export class EvidenceStoreError extends PermanentError {
  constructor(
    code: 'evidence_store_denied' | 'evidence_store_failed',
    message: string,
    options: RollbackErrorOptions = {},
  ) {
    super(code, message, options);
  }
}
