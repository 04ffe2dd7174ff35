import type { AuditEntry, AuditLog } from './ports/audit-log.js';
import type { Requester } from './progress-snapshot.js';
import { queueUnavailable } from './queue-unavailable.js';

/**
 * What the rollback service records in the audit log (absent: nothing). A record that cannot be written
 * stops the action: nothing happens without a record of it.
 */
export class RequestAudit {
  constructor(private readonly log: AuditLog | undefined) {}

  async append(
    type: AuditEntry['type'],
    actor: Requester,
    service: string,
    jobId: string | undefined,
    detail: string,
  ): Promise<void> {
    await this.log
      ?.append({
        type,
        actor: { id: actor.id, name: actor.name, source: actor.source },
        service,
        ...(jobId === undefined ? {} : { jobId }),
        detail,
      })
      .catch((error: unknown) => {
        throw queueUnavailable(
          error,
          'The request could not be recorded in the audit log; nothing was changed.',
        );
      });
  }
}
