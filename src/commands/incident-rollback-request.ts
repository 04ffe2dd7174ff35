import type { CommandHandler } from './command-handler.js';
import type { CommandReply } from './command-reply.js';
import type { IncidentLink } from '../rollback/plan.js';
import type { Requester } from '../rollback/progress-snapshot.js';
import type { RedisIncidentRollbacks } from '../stores/redis-incident-rollbacks.js';

export interface IncidentRollbackAsk {
  service: string;
  /** As `/rollback` takes it (`v0.7.0`, `revision:3`); absent: previous. */
  version?: string;
  dryRun?: boolean;
  reason?: string;
  requester: Requester;
  /** The service's incident channel: permissions are checked there and the status message goes there. */
  channel: string;
  incident: IncidentLink;
}

/**
 * A rollback asked for from an incident (the announcement's button, or PagerDuty's rollback action),
 * through the same grammar and command handler as `/rollback <service> <version>`: the same catalog,
 * permission, approval, lock, known-target and audit rules. The incident rides along in the request, so
 * the rollback's milestones are logged in it.
 */
export async function requestIncidentRollback(
  deps: { commands: CommandHandler; incidentRollbacks?: Pick<RedisIncidentRollbacks, 'add'> },
  ask: IncidentRollbackAsk,
): Promise<CommandReply> {
  const { commands } = deps;
  const words = [ask.service, ask.version ?? 'previous', ...(ask.dryRun ? ['--dry-run'] : [])];
  const parsed = commands.parse(words.join(' '));
  const command =
    parsed.kind === 'rollback' && ask.reason !== undefined ? { ...parsed, reason: ask.reason } : parsed;
  const reply = await commands.execute(command, {
    requester: ask.requester,
    channel: ask.channel,
    incident: ask.incident,
  });
  // Remembered for the post-mortem reminder when the incident resolves; best effort (the rollback stands).
  if (reply.kind === 'plan' && !reply.plan.request.dryRun)
    await deps.incidentRollbacks?.add(ask.incident.id, reply.plan.jobId).catch(() => undefined);
  return reply;
}

/** A default reason naming the incident, so the audit log and the plan say why. */
export function incidentReason(incident: IncidentLink): string {
  const number = incident.number === undefined ? incident.id : `#${incident.number}`;
  return `PagerDuty incident ${number}${incident.title ? `: ${incident.title}` : ''}`.slice(0, 500);
}
