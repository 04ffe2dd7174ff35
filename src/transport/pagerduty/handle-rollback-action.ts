import type { CommandHandler } from '../../commands/command-handler.js';
import { incidentReason, requestIncidentRollback } from '../../commands/incident-rollback-request.js';
import type { Catalog } from '../../config/catalog.js';
import { pagerDutyServiceIndex } from '../../config/pagerduty-service-index.js';
import type { ServiceConfig } from '../../config/service-schema.js';
import { describeError, PermanentError } from '../../errors/rollback-error.js';
import type { Logger } from '../../observability/logger.js';
import type { InboundEvent } from '../../queue/inbound-event-queue.js';
import { context } from '../../render/slack/block-kit.js';
import { escapeMrkdwn } from '../../render/slack/escape-mrkdwn.js';
import { renderCommandReply } from '../../render/slack/render-command-reply.js';
import { link } from '../../render/slack/render-incident.js';
import type { IncidentLink } from '../../rollback/plan.js';
import type { IncidentTracker, TrackedIncident } from '../../rollback/ports/incident-tracker.js';
import type { Requester } from '../../rollback/progress-snapshot.js';
import type { RedisIncidentRollbacks } from '../../stores/redis-incident-rollbacks.js';
import type { ChannelPoster } from './handle-pagerduty-event.js';
import { parseRollbackAction, type RollbackActionRequest } from './parse-rollback-action.js';

export interface RollbackActionDeps {
  catalog: Catalog;
  commands: CommandHandler;
  incidentRollbacks: Pick<RedisIncidentRollbacks, 'add'>;
  /** PagerDuty's REST API: the incident's title, link and service; absent: only what the body says. */
  tracker?: Pick<IncidentTracker, 'getIncident'>;
  /** The Slack user with this e-mail address, for permissions and approvals (users.lookupByEmail). */
  findSlackUser?: (email: string) => Promise<{ id: string; name: string } | undefined>;
  post: ChannelPoster;
  reportUrl?: (jobId: string) => string | undefined;
  log: Logger;
}

/**
 * A rollback asked for by PagerDuty (`POST /webhooks/pagerduty/rollback`): finds the service (the body's,
 * else the one mapped to the incident's PagerDuty service), the requester (the Slack user with the
 * requester's e-mail, else the PagerDuty user by address), and asks exactly as `/rollback` does. The plan,
 * or why it was refused, goes to the service's incident channel with a link to the incident.
 */
export function rollbackActionHandler(deps: RollbackActionDeps): (event: InboundEvent) => Promise<void> {
  const index = pagerDutyServiceIndex(deps.catalog.all());
  return async (inbound) => {
    const parsed = parseRollbackAction(Buffer.from(inbound.body, 'utf8'));
    if (!parsed.ok) throw new PermanentError('pagerduty_action_invalid', parsed.message);
    const action = parsed.action;
    const tracked = await readIncident(deps, action.incidentId);
    const serviceName =
      action.service ?? (tracked ? index.byPagerDutyService.get(tracked.service.id) : undefined);
    const service = serviceName === undefined ? undefined : deps.catalog.get(serviceName);
    if (!service) {
      deps.log.warn(
        { incident: action.incidentId, pagerDutyService: tracked?.service.id },
        'a PagerDuty rollback action names no service and its incident maps to none: nothing done',
      );
      return;
    }
    const incident = linkOf(action.incidentId, tracked);
    const requester = await requesterOf(deps, action);
    const reply = await requestIncidentRollback(deps, {
      service: service.name,
      ...(action.version === undefined ? {} : { version: action.version }),
      dryRun: action.dryRun,
      reason: action.reason ?? incidentReason(incident),
      requester,
      channel: service.channel,
      incident,
    });
    await postReply(deps, service, incident, requester, reply);
  };
}

async function readIncident(
  deps: RollbackActionDeps,
  incidentId: string,
): Promise<TrackedIncident | undefined> {
  if (!deps.tracker) return undefined;
  try {
    return await deps.tracker.getIncident(incidentId);
  } catch (error) {
    // Not fatal when the body names the service: the link is built from the id instead.
    deps.log.warn(
      { incident: incidentId, error: describeError(error) },
      'could not read the PagerDuty incident',
    );
    return undefined;
  }
}

function linkOf(incidentId: string, tracked: TrackedIncident | undefined): IncidentLink {
  if (!tracked) return { id: incidentId, url: `https://app.pagerduty.com/incidents/${incidentId}` };
  return {
    id: tracked.id,
    url: tracked.url,
    title: tracked.title,
    ...(tracked.number === undefined ? {} : { number: tracked.number }),
    ...(tracked.createdAt ? { createdAt: tracked.createdAt } : {}),
  };
}

async function requesterOf(deps: RollbackActionDeps, action: RollbackActionRequest): Promise<Requester> {
  const email = action.requesterEmail;
  if (email === undefined) return { id: 'pagerduty', name: 'PagerDuty', source: 'pagerduty' };
  const user = await deps.findSlackUser?.(email).catch((error: unknown) => {
    deps.log.warn({ error: describeError(error) }, 'could not look the requester up in Slack by e-mail');
    return undefined;
  });
  return user
    ? { id: user.id, name: user.name, source: 'pagerduty' }
    : { id: `pagerduty:${email}`, name: email, source: 'pagerduty' };
}

async function postReply(
  deps: RollbackActionDeps,
  service: ServiceConfig,
  incident: IncidentLink,
  requester: Requester,
  reply: Awaited<ReturnType<typeof requestIncidentRollback>>,
): Promise<void> {
  const rendered = renderCommandReply(reply, deps.reportUrl ? { reportUrl: deps.reportUrl } : {});
  const about = context([
    `Requested from PagerDuty by ${escapeMrkdwn(requester.name)} for incident ${link(
      incident.url,
      incident.number === undefined ? incident.id : `#${incident.number}`,
    )}`,
  ]);
  await deps.post(service.channel, { text: rendered.text, blocks: [about, ...rendered.blocks] });
}
