import type { RollbackRequest } from './plan.js';
import { REMEDY_LABELS } from './remedy-offer.js';

/** The audit log's line for a request: its target, whether it is a dry run, where and why. */
export function describeRequest(request: RollbackRequest): string {
  const target = request.remedy
    ? `${REMEDY_LABELS[request.remedy.kind]} after ${request.remedy.fromJob}`
    : (request.version ?? (request.toRevision === undefined ? 'previous' : `revision ${request.toRevision}`));
  const where =
    request.channel === undefined
      ? ''
      : ` in ${request.channelName ? `#${request.channelName}` : request.channel}`;
  return `to ${target}${request.dryRun ? ' (dry run)' : ''}${where}${request.reason ? `; reason: ${request.reason}` : ''}`;
}
