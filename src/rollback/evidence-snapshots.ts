import { InputError } from '../errors/rollback-error.js';
import type { Logger } from '../observability/logger.js';
import type { AuditLog } from './ports/audit-log.js';
import type { EvidenceCapture, EvidenceRecorder } from './ports/evidence-recorder.js';
import type { Requester } from './progress-snapshot.js';
import type { ServiceCatalog } from './service-catalog.js';

export interface EvidenceSnapshotsOptions {
  catalog: ServiceCatalog;
  /** Absent: this bot keeps no evidence, and every snapshot is refused with a clear message. */
  recorder: EvidenceRecorder | undefined;
  audit?: AuditLog;
  log: Logger;
}

/**
 * On-demand evidence bundles for every surface (`/rollback snapshot`, `rollback-bot snapshot`, the HTTP API
 * a deploy pipeline calls for the pre-deploy baseline). Snapshots only read the service; each is audited.
 */
export class EvidenceSnapshots {
  constructor(private readonly options: EvidenceSnapshotsOptions) {}

  async take(
    serviceName: string,
    label: string,
    requester: Pick<Requester, 'id' | 'name' | 'source'>,
    signal?: AbortSignal,
  ): Promise<EvidenceCapture> {
    const service = this.options.catalog.require(serviceName);
    const { recorder } = this.options;
    if (!recorder) {
      throw new InputError('evidence_not_configured', 'This bot keeps no evidence bundles.', {
        hint: 'Set EVIDENCE_DIR (or EVIDENCE_S3_BUCKET) where the bot runs.',
      });
    }
    if (!recorder.captures(service, service.strategy)) {
      throw new InputError('evidence_not_configured', `No evidence is collected for ${service.name}.`, {
        hint: `Its evidence: section is disabled or no collector applies (a host service needs a unit or files). See docs/evidence.md.`,
      });
    }
    const capture = await recorder.snapshot({ service, label, ...(signal ? { signal } : {}) });
    await this.options.audit
      ?.append({
        type: 'snapshot_taken',
        actor: requester,
        service: service.name,
        detail: `${label}: ${capture.bundles.map((b) => b.id).join(', ')}`,
      })
      .catch((error: unknown) =>
        this.options.log.warn({ err: error, service: service.name }, 'could not audit a snapshot'),
      );
    return capture;
  }
}
