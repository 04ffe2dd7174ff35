import type { BriefingDeps } from '../../commands/incident-briefing.js';
import { briefIncident } from '../../commands/incident-briefing.js';
import type { Catalog } from '../../config/catalog.js';
import { pagerDutyServiceIndex } from '../../config/pagerduty-service-index.js';
import type { ServiceConfig } from '../../config/service-schema.js';
import type { Logger } from '../../observability/logger.js';
import type { InboundEvent } from '../../queue/inbound-event-queue.js';
import type { SlackMessage } from '../../render/slack/block-kit.js';
import { renderIncidentAnnouncement, renderPostmortemReminder } from '../../render/slack/render-incident.js';
import { postMortemChecklist } from '../../rollback/checklists.js';
import type { ProgressStore } from '../../rollback/ports/progress-store.js';
import type { RedisIncidentRollbacks } from '../../stores/redis-incident-rollbacks.js';
import type { PagerDutyIncident } from './parse-pagerduty-webhook.js';
import { readStoredPagerDutyEvent } from './read-stored-pagerduty-event.js';

/** Posts a message in a Slack channel (chat.postMessage); throws RetryableError to be retried. */
export type ChannelPoster = (channel: string, message: SlackMessage) => Promise<void>;

export interface PagerDutyEventDeps {
  catalog: Catalog;
  briefing: BriefingDeps;
  incidentRollbacks: Pick<RedisIncidentRollbacks, 'list'>;
  progress: Pick<ProgressStore, 'get'>;
  post: ChannelPoster;
  log: Logger;
}

/**
 * Handles one queued V3 webhook: `incident.triggered` on a catalog service is announced in its incident
 * channel with a rollback button; `incident.resolved` reminds of the post-mortem when a rollback ran
 * during the incident. Anything else (other types, services the catalog does not map) is logged and
 * dropped: PagerDuty has its answer already.
 */
export function pagerDutyEventHandler(deps: PagerDutyEventDeps): (event: InboundEvent) => Promise<void> {
  const index = pagerDutyServiceIndex(deps.catalog.all());
  for (const conflict of index.conflicts) deps.log.warn({ conflict }, 'PagerDuty service mapped twice');
  const serviceOf = (incident: PagerDutyIncident): ServiceConfig | undefined => {
    const name = index.byPagerDutyService.get(incident.service.id);
    return name === undefined ? undefined : deps.catalog.get(name);
  };
  return async (inbound) => {
    const parsed = readStoredPagerDutyEvent(inbound.body, { webhookId: inbound.webhookId });
    if (!parsed.ok || parsed.event.kind !== 'incident') return;
    const { event } = parsed;
    const service = serviceOf(event.incident);
    if (!service) {
      deps.log.info(
        { incident: event.incident.id, pagerDutyService: event.incident.service.id, type: event.eventType },
        'PagerDuty incident on a service the catalog does not map (pagerduty.serviceIds): ignored',
      );
      return;
    }
    if (event.eventType === 'incident.triggered') await announce(deps, service, event.incident);
    else if (event.eventType === 'incident.resolved') await remindPostmortem(deps, service, event.incident);
  };
}

function linkOf(incident: PagerDutyIncident) {
  return {
    id: incident.id,
    url: incident.url,
    title: incident.title,
    ...(incident.number === undefined ? {} : { number: incident.number }),
    ...(incident.createdAt ? { createdAt: incident.createdAt } : {}),
    ...(incident.urgency ? { urgency: incident.urgency } : {}),
    ...(incident.escalationPolicy ? { escalationPolicyId: incident.escalationPolicy.id } : {}),
  };
}

async function announce(deps: PagerDutyEventDeps, service: ServiceConfig, incident: PagerDutyIncident) {
  const briefing = await briefIncident(deps.briefing, service, linkOf(incident));
  await deps.post(service.channel, renderIncidentAnnouncement(briefing));
  deps.log.info({ incident: incident.id, service: service.name }, 'announced a PagerDuty incident');
}

async function remindPostmortem(
  deps: PagerDutyEventDeps,
  service: ServiceConfig,
  incident: PagerDutyIncident,
) {
  const jobIds = await deps.incidentRollbacks.list(incident.id);
  const ran: { jobId: string; strategy: string }[] = [];
  for (const jobId of jobIds) {
    const snapshot = await deps.progress.get(jobId);
    if (snapshot && !snapshot.dryRun && ['succeeded', 'failed', 'cancelled'].includes(snapshot.state))
      if (snapshot.startedAt !== undefined) ran.push({ jobId, strategy: snapshot.strategy });
  }
  const first = ran[0];
  if (!first) return;
  const checklist = postMortemChecklist(service, first.strategy);
  await deps.post(
    service.channel,
    renderPostmortemReminder(
      linkOf(incident),
      service.name,
      ran.map((r) => r.jobId),
      checklist,
    ),
  );
}
