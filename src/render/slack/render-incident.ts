import { z } from 'zod';
import { SERVICE_NAME_PATTERN } from '../../config/service-schema.js';
import type { IncidentBriefing } from '../../commands/incident-briefing.js';
import type { Checklist } from '../../rollback/progress-snapshot.js';
import { context, section, type Block, type SlackMessage } from './block-kit.js';
import { userText } from './describe-progress.js';
import { escapeMrkdwn, inlineCode } from './escape-mrkdwn.js';
import { renderChecklists } from './render-checklists.js';
import { link, respondersBlocks } from './render-responders.js';
import { truncateText } from './truncate-text.js';

export { link } from './render-responders.js';

/** The "Roll back to …" button of an incident announcement. */
export const INCIDENT_ROLLBACK_ACTION = 'pagerduty_rollback';

/** What the button carries (Slack gives it back on the click): all of it is checked again then. */
export interface IncidentRollbackButton {
  service: string;
  /** A version as `/rollback` takes it; absent: previous. */
  version?: string;
  incident: { id: string; url: string; title?: string; number?: number; createdAt?: string };
}

function incidentName(incident: IncidentBriefing['incident']): string {
  const number = incident.number === undefined ? '' : `#${incident.number} `;
  return `${number}${incident.title ?? incident.id}`;
}

/**
 * Posted in the service's incident channel when PagerDuty opens an incident on it: the incident, the
 * running version, the last known good one and a button that asks for the rollback exactly as
 * `/rollback <service> <version>` would (same permissions and approvals).
 */
export function renderIncidentAnnouncement(briefing: IncidentBriefing): SlackMessage {
  const { incident, service } = briefing;
  const name = incidentName(incident);
  const lines = [
    `🚨 *PagerDuty incident ${link(incident.url, truncateText(name, 150))}* on *${userText(service, 80)}*` +
      (incident.urgency ? ` (${userText(incident.urgency, 20)} urgency)` : ''),
    `Running now: ${briefing.current ? inlineCode(briefing.current) : '_unknown_'}` +
      (briefing.versionsProblem ? ` (${userText(briefing.versionsProblem, 300)})` : ''),
    briefing.lastKnownGood
      ? `Last known good: ${inlineCode(briefing.lastKnownGood.label)} (${briefing.lastKnownGood.source})`
      : 'Last known good: _not known_; the button rolls back to the previous release.',
  ];
  const target = briefing.lastKnownGood;
  const value: IncidentRollbackButton = {
    service,
    ...(target ? { version: target.id } : {}),
    incident: {
      id: incident.id,
      url: incident.url,
      ...(incident.title ? { title: truncateText(incident.title, 300) } : {}),
      ...(incident.number === undefined ? {} : { number: incident.number }),
      ...(incident.createdAt ? { createdAt: incident.createdAt } : {}),
    },
  };
  const label = `Roll back to ${target ? target.id : 'previous'}`;
  const blocks: Block[] = [
    section(lines.join('\n')),
    {
      type: 'actions',
      block_id: 'pagerduty_incident',
      elements: [
        {
          type: 'button',
          action_id: INCIDENT_ROLLBACK_ACTION,
          text: { type: 'plain_text', text: truncateText(label, 75), emoji: true },
          style: 'danger',
          value: JSON.stringify(value),
          confirm: {
            title: { type: 'plain_text', text: 'Ask for this rollback?' },
            text: {
              type: 'mrkdwn',
              text: truncateText(
                `Roll back ${escapeMrkdwn(service)} to ${escapeMrkdwn(target?.label ?? 'the previous release')}? The plan is shown first; approvals apply as for /rollback.`,
                300,
              ),
            },
            confirm: { type: 'plain_text', text: 'Show the plan' },
            deny: { type: 'plain_text', text: 'Not now' },
          },
        },
      ],
    },
    ...respondersBlocks(briefing),
    context([`Same as ${inlineCode(`/rollback ${service} ${target?.id ?? 'previous'}`)}`]),
  ];
  return { text: `PagerDuty incident ${escapeMrkdwn(name)} on ${escapeMrkdwn(service)}`, blocks };
}

/** Posted when the incident is resolved and a rollback happened during it: the post-mortem checklist. */
export function renderPostmortemReminder(
  incident: IncidentBriefing['incident'],
  service: string,
  jobIds: string[],
  checklist: Checklist,
): SlackMessage {
  const rendered = renderChecklists([checklist]);
  const intro = section(
    `✅ *PagerDuty incident ${link(incident.url, truncateText(incidentName(incident), 150))} is resolved.* ` +
      `${userText(service, 80)} was rolled back during it (${jobIds.map((id) => inlineCode(id)).join(', ')}): time for the post-mortem.`,
  );
  return {
    text: `Incident ${escapeMrkdwn(incidentName(incident))} resolved: post-mortem checklist for ${escapeMrkdwn(service)}`,
    blocks: [intro, ...rendered.blocks],
  };
}

const buttonSchema = z.object({
  service: z.string().regex(SERVICE_NAME_PATTERN),
  version: z
    .string()
    .regex(/^(revision:\d{1,9}|[A-Za-z0-9._+-]{1,128})$/)
    .optional(),
  incident: z.object({
    id: z.string().regex(/^[A-Z0-9]{7,20}$/),
    url: z.string().max(500),
    title: z.string().max(300).optional(),
    number: z.number().int().optional(),
    createdAt: z.iso.datetime({ offset: true }).optional().catch(undefined),
  }),
});

/** The button's value as the click sends it back: checked, never trusted. */
export function parseIncidentButton(value: string): IncidentRollbackButton | undefined {
  try {
    const parsed = buttonSchema.safeParse(JSON.parse(value));
    if (!parsed.success) return undefined;
    const { version, incident, service } = parsed.data;
    return {
      service,
      ...(version === undefined ? {} : { version }),
      incident: {
        id: incident.id,
        url: incident.url,
        ...(incident.title === undefined ? {} : { title: incident.title }),
        ...(incident.number === undefined ? {} : { number: incident.number }),
        ...(incident.createdAt === undefined ? {} : { createdAt: incident.createdAt }),
      },
    };
  } catch {
    return undefined;
  }
}
