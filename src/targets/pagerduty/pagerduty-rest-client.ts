import type { z } from 'zod';
import { PermanentError } from '../../errors/rollback-error.js';
import type {
  EscalationPolicyLevels,
  IncidentTracker,
  OnCallPerson,
  ResponderTargets,
  TrackedIncident,
  TrackerUser,
} from '../../rollback/ports/incident-tracker.js';
import {
  escalationPolicyAnswer,
  incidentAnswer,
  noteAnswer,
  oncallsAnswer,
  statusUpdateAnswer,
  usersAnswer,
} from './pagerduty-rest-schemas.js';
import {
  PAGERDUTY_API_URL,
  pagerDutyRequest,
  type PagerDutyCall,
  type PagerDutyConnection,
} from './pagerduty-request.js';

export interface PagerDutyRestClientOptions {
  /** `PAGERDUTY_API_TOKEN`. */
  token: string;
  /** `PAGERDUTY_FROM_EMAIL`: the PagerDuty user notes, status updates and responder requests come from. */
  fromEmail: string;
  /** `PAGERDUTY_API_URL`; default https://api.pagerduty.com. */
  apiUrl?: string;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Wait after a 429; default 30 s. */
  rateLimitWaitMs?: number;
}

/** PagerDuty caps a note at 25,000 characters. */
const MAX_NOTE = 25_000;
const PAGE = 100;

/** The `IncidentTracker` port over PagerDuty's REST API v2, through `@pagerduty/pdjs`. */
export class PagerDutyRestClient implements IncidentTracker {
  readonly #connection: PagerDutyConnection;
  #requesterId: Promise<string> | undefined;

  constructor(options: PagerDutyRestClientOptions) {
    if (options.token.trim() === '') throw new Error('PAGERDUTY_API_TOKEN is empty.');
    if (!/^[^@\s]+@[^@\s]+$/.test(options.fromEmail))
      throw new Error('PAGERDUTY_FROM_EMAIL must be the e-mail address of a PagerDuty user.');
    this.#connection = {
      token: options.token,
      fromEmail: options.fromEmail,
      apiUrl: options.apiUrl || PAGERDUTY_API_URL,
      timeoutMs: options.timeoutMs ?? 10_000,
      rateLimitWaitMs: options.rateLimitWaitMs ?? 30_000,
    };
  }

  async getIncident(incidentId: string, signal?: AbortSignal): Promise<TrackedIncident> {
    const { incident } = await this.#call(incidentAnswer, {
      method: 'GET',
      path: `/incidents/${segment(incidentId)}`,
      action: `reading incident ${incidentId}`,
      signal,
    });
    return {
      id: incident.id,
      title: incident.title,
      status: incident.status,
      url: incident.html_url,
      service: { id: incident.service.id, name: incident.service.summary ?? incident.service.id },
      ...(typeof incident.incident_number === 'number' ? { number: incident.incident_number } : {}),
      ...(incident.urgency ? { urgency: incident.urgency } : {}),
      ...(incident.created_at ? { createdAt: incident.created_at } : {}),
      ...(incident.escalation_policy
        ? {
            escalationPolicy: {
              id: incident.escalation_policy.id,
              name: incident.escalation_policy.summary ?? incident.escalation_policy.id,
            },
          }
        : {}),
    };
  }

  async addNote(incidentId: string, text: string, signal?: AbortSignal): Promise<{ id: string }> {
    const content = text.length > MAX_NOTE ? `${text.slice(0, MAX_NOTE - 1)}…` : text;
    const { note } = await this.#call(noteAnswer, {
      method: 'POST',
      path: `/incidents/${segment(incidentId)}/notes`,
      body: { note: { content } },
      asUser: true,
      action: `adding a note to incident ${incidentId}`,
      signal,
    });
    return { id: note.id };
  }

  async publishStatusUpdate(
    incidentId: string,
    message: string,
    subject?: string,
    signal?: AbortSignal,
  ): Promise<{ id: string }> {
    const { status_update } = await this.#call(statusUpdateAnswer, {
      method: 'POST',
      path: `/incidents/${segment(incidentId)}/status_updates`,
      body: { message, ...(subject !== undefined ? { subject } : {}) },
      asUser: true,
      action: `publishing a status update on incident ${incidentId}`,
      signal,
    });
    return { id: status_update.id };
  }

  async oncallsFor(escalationPolicyId: string, signal?: AbortSignal): Promise<OnCallPerson[]> {
    const people = new Map<string, OnCallPerson>();
    for (let offset = 0; ; offset += PAGE) {
      const answer = await this.#call(oncallsAnswer, {
        method: 'GET',
        path: '/oncalls',
        query: {
          'escalation_policy_ids[]': [escalationPolicyId],
          'include[]': ['users'],
          limit: String(PAGE),
          offset: String(offset),
        },
        action: `listing who is on call for escalation policy ${escalationPolicyId}`,
        signal,
      });
      for (const oncall of answer.oncalls) {
        const key = `${oncall.escalation_level}:${oncall.user.id}`;
        if (people.has(key)) continue;
        people.set(key, {
          userId: oncall.user.id,
          name: oncall.user.name ?? oncall.user.summary ?? oncall.user.id,
          level: oncall.escalation_level,
          ...(oncall.user.email ? { email: oncall.user.email } : {}),
          ...(oncall.schedule?.summary ? { schedule: oncall.schedule.summary } : {}),
        });
      }
      if (!answer.more || answer.oncalls.length === 0) break;
    }
    return [...people.values()].sort((a, b) => a.level - b.level || a.name.localeCompare(b.name));
  }

  async escalationPolicy(escalationPolicyId: string, signal?: AbortSignal): Promise<EscalationPolicyLevels> {
    const { escalation_policy: policy } = await this.#call(escalationPolicyAnswer, {
      method: 'GET',
      path: `/escalation_policies/${segment(escalationPolicyId)}`,
      action: `reading escalation policy ${escalationPolicyId}`,
      signal,
    });
    return {
      id: policy.id,
      name: policy.name,
      levels: policy.escalation_rules.map((rule, index) => ({
        level: index + 1,
        delayMinutes: rule.escalation_delay_in_minutes,
        targets: rule.targets.map((t) => ({ id: t.id, type: t.type ?? 'unknown', name: t.summary ?? t.id })),
      })),
    };
  }

  async addResponders(
    incidentId: string,
    targets: ResponderTargets,
    message: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const list =
      'userIds' in targets
        ? targets.userIds.map((id) => ({ id, type: 'user_reference' }))
        : targets.escalationPolicyIds.map((id) => ({ id, type: 'escalation_policy_reference' }));
    if (list.length === 0) return;
    const requesterId = await this.#requester(signal);
    await this.#raw({
      method: 'POST',
      path: `/incidents/${segment(incidentId)}/responder_requests`,
      body: {
        requester_id: requesterId,
        message,
        responder_request_targets: list.map((target) => ({ responder_request_target: target })),
      },
      asUser: true,
      action: `adding responders to incident ${incidentId}`,
      signal,
    });
  }

  async findUserByEmail(email: string, signal?: AbortSignal): Promise<TrackerUser | undefined> {
    const wanted = email.trim().toLowerCase();
    // `query` matches names and addresses in part: keep only the exact address.
    const { users } = await this.#call(usersAnswer, {
      method: 'GET',
      path: '/users',
      query: { query: wanted, limit: String(PAGE) },
      action: 'looking up a user by e-mail',
      signal,
    });
    const user = users.find((candidate) => candidate.email.toLowerCase() === wanted);
    return user ? { id: user.id, name: user.name, email: user.email } : undefined;
  }

  /** The PagerDuty user id behind `From`, which responder requests name as `requester_id`; looked up once. */
  #requester(signal?: AbortSignal): Promise<string> {
    this.#requesterId ??= this.findUserByEmail(this.#connection.fromEmail, signal).then((user) => {
      if (user) return user.id;
      throw new PermanentError(
        'pagerduty_requester_unknown',
        'PAGERDUTY_FROM_EMAIL is not the e-mail address of any PagerDuty user.',
        { hint: 'Set it to the address of the PagerDuty user the bot acts as.' },
      );
    });
    this.#requesterId.catch(() => (this.#requesterId = undefined));
    return this.#requesterId;
  }

  #raw(call: PagerDutyCall): Promise<unknown> {
    return pagerDutyRequest(this.#connection, call);
  }

  async #call<S extends z.ZodType>(schema: S, call: PagerDutyCall): Promise<z.output<S>> {
    const data = await this.#raw(call);
    const parsed = schema.safeParse(data);
    if (parsed.success) return parsed.data;
    throw new PermanentError(
      'pagerduty_bad_response',
      `PagerDuty's answer while ${call.action} was not what the REST API v2 sends.`,
    );
  }
}

/** An id as one URL path segment. */
function segment(id: string): string {
  return encodeURIComponent(id);
}
