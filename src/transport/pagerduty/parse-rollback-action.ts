import { z } from 'zod';
import { SERVICE_NAME_PATTERN, VERSION_PATTERN } from '../../config/service-schema.js';

/**
 * The body of `POST /webhooks/pagerduty/rollback`, as an incident workflow's "Send webhook" step or a
 * custom incident action sends it:
 *
 *   { "incident_id": "{{incident.id}}", "service": "kaizen", "version": "v0.7.0",
 *     "requester_email": "{{current_user.email}}", "reason": "...", "dry_run": false }
 *
 * Only `incident_id` is required. Unknown fields are refused (a misspelt `incidentId` must not silently
 * drop the incident); an empty string counts as absent, because workflow templates render a missing
 * variable as "". `dry_run` may be a boolean or the text "true"/"false".
 */
export interface RollbackActionRequest {
  incidentId: string;
  service?: string;
  version?: string;
  requesterEmail?: string;
  reason?: string;
  dryRun: boolean;
}

export const ACTION_FIELDS = ['incident_id', 'service', 'version', 'requester_email', 'reason', 'dry_run'];
const MAX_REASON = 500;

const blankIsAbsent = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
const optionalText = <T extends z.ZodType>(schema: T) => z.preprocess(blankIsAbsent, schema.optional());

const actionSchema = z.strictObject({
  incident_id: z
    .string({ error: 'incident_id is required: the PagerDuty incident id, {{incident.id}} in a workflow' })
    .trim()
    .regex(/^[A-Z0-9]{7,20}$/, 'incident_id must be a PagerDuty incident id like Q2KPW3SL0BGXXN or PT4KHLK'),
  service: optionalText(
    z.string().trim().regex(SERVICE_NAME_PATTERN, 'service must be a catalog service name like kaizen'),
  ),
  version: optionalText(
    z
      .string()
      .trim()
      .regex(VERSION_PATTERN, 'version must be letters, digits and . _ + - (at most 128)')
      // As /rollback's checkVersion: a leading - could read as an option to a tool, a leading . as a path.
      .regex(/^[A-Za-z0-9]/, 'version must start with a letter or digit'),
  ),
  requester_email: optionalText(z.email('requester_email must be an e-mail address').trim()),
  reason: optionalText(z.string().trim().max(MAX_REASON, `reason must be at most ${MAX_REASON} characters`)),
  dry_run: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')], {
      error: 'dry_run must be true or false',
    })
    .optional(),
});

export type ParsedRollbackAction =
  { ok: true; action: RollbackActionRequest } | { ok: false; message: string; problems: string[] };

/** Validates the action body; the message lists every problem so the workflow author can fix it at once. */
export function parseRollbackAction(rawBody: Buffer): ParsedRollbackAction {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return refuse(['the body is not JSON: send Content-Type application/json with a JSON object']);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return refuse([`the body must be a JSON object with ${ACTION_FIELDS.join(', ')}`]);
  const parsed = actionSchema.safeParse(json);
  if (!parsed.success) return refuse(parsed.error.issues.flatMap(describeIssue));
  const body = parsed.data;
  const action: RollbackActionRequest = {
    incidentId: body.incident_id,
    dryRun: body.dry_run ?? false,
    ...(body.service !== undefined ? { service: body.service } : {}),
    ...(body.version !== undefined ? { version: body.version } : {}),
    ...(body.requester_email !== undefined ? { requesterEmail: body.requester_email.toLowerCase() } : {}),
    ...(body.reason !== undefined ? { reason: body.reason } : {}),
  };
  return { ok: true, action };
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => `unknown field "${key}" (fields: ${ACTION_FIELDS.join(', ')})`);
  const field = issue.path.join('.');
  if (issue.code === 'invalid_type' && field !== 'incident_id')
    return [`${field} must be ${issue.expected === 'boolean' ? 'true or false' : `a ${issue.expected}`}`];
  return [issue.message];
}

function refuse(problems: string[]): ParsedRollbackAction {
  return { ok: false, message: `Rollback request refused: ${problems.join('; ')}.`, problems };
}
