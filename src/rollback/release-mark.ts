import type { ServiceConfig } from '../config/service-schema.js';
import { InputError } from '../errors/rollback-error.js';
import { suggestCommand } from '../errors/suggested-command.js';
import type { GitopsKeeper, RestoreOutcome } from './gitops/gitops-keeper.js';
import type { ProgressStore } from './ports/progress-store.js';
import type { RolledBackMark, RolledBackMarks } from './ports/rolled-back-marks.js';
import type { Requester } from './progress-snapshot.js';
import type { RequestAudit } from './request-audit.js';

/** What a release did: the mark it cleared and, when a CD system was held, whether it was restored. */
export type ReleasedMark = RolledBackMark & { gitops?: RestoreOutcome };

export interface ReleaseMarkOptions {
  marks: RolledBackMarks | undefined;
  gitops: GitopsKeeper | undefined;
  progress: ProgressStore;
  audit: RequestAudit;
  now: () => Date;
}

/**
 * Clears a service's rolled-back mark (the caller has authorized the requester), restores its held CD
 * system, audits the release and shows it on the rollback's status. Refuses a service without a mark.
 */
export async function releaseMark(
  options: ReleaseMarkOptions,
  service: ServiceConfig,
  reason: string,
  requester: Requester,
): Promise<ReleasedMark> {
  const mark = await options.marks?.release(service.name);
  if (!mark) {
    throw new InputError(
      'not_rolled_back',
      `${service.name} is not marked rolled back; there is nothing to release.`,
      { hint: 'Its status shows where it stands.', next: [suggestCommand('status', service.name)] },
    );
  }
  const at = options.now().toISOString();
  const gitops = await options.gitops?.restore(service.name);
  await options.audit.append(
    'released',
    requester,
    service.name,
    mark.jobId,
    `reason: ${reason}${gitops ? `; ${gitops.message}` : ''}`,
  );
  const snapshot = await options.progress.get(mark.jobId);
  if (snapshot) {
    await options.progress.publish({
      ...snapshot,
      version: snapshot.version + 1,
      released: { by: { id: requester.id, name: requester.name }, at, reason },
    });
  }
  return gitops ? { ...mark, gitops } : mark;
}
