/**
 * The incident-management system (PagerDuty) as the rollback flow sees it: read an incident, log to it,
 * tell stakeholders, find who is on call and ask for more responders. Implemented in
 * `src/targets/pagerduty/`. Methods throw RetryableError (rate limits, outages, timeouts; RetryLaterError
 * when the service said how long to wait) or PermanentError (bad token, unknown incident, refused input).
 */
export interface TrackedIncident {
  id: string;
  number?: number;
  title: string;
  /** triggered, acknowledged or resolved. */
  status: string;
  urgency?: string;
  /** The incident's page, for links in Slack and reports. */
  url: string;
  service: { id: string; name: string };
  escalationPolicy?: { id: string; name: string };
  /** When the incident was opened (ISO), if the answer had a readable time. */
  createdAt?: string;
}

export interface OnCallPerson {
  userId: string;
  name: string;
  email?: string;
  /** Escalation level, 1 first. */
  level: number;
  /** The schedule that puts them on call, if any (absent: named directly in the policy). */
  schedule?: string;
}

export interface TrackerUser {
  id: string;
  name: string;
  email: string;
}

export interface EscalationPolicyLevels {
  id: string;
  name: string;
  /** Level 1 first; each with the users and schedules it pages. */
  levels: { level: number; delayMinutes: number; targets: { id: string; type: string; name: string }[] }[];
}

/** Whom to add: users, or whole escalation policies (paged from their first level). */
export type ResponderTargets = { userIds: readonly string[] } | { escalationPolicyIds: readonly string[] };

export interface IncidentTracker {
  getIncident(incidentId: string, signal?: AbortSignal): Promise<TrackedIncident>;
  /** Adds a note to the incident's timeline; returns the note's id. */
  addNote(incidentId: string, text: string, signal?: AbortSignal): Promise<{ id: string }>;
  /** Publishes a status update to the incident's stakeholders (subject: e-mail subject, optional). */
  publishStatusUpdate(
    incidentId: string,
    message: string,
    subject?: string,
    signal?: AbortSignal,
  ): Promise<{ id: string }>;
  /** Who is on call now for the policy, level 1 first. */
  oncallsFor(escalationPolicyId: string, signal?: AbortSignal): Promise<OnCallPerson[]>;
  escalationPolicy(escalationPolicyId: string, signal?: AbortSignal): Promise<EscalationPolicyLevels>;
  /** Asks more responders to join the incident (they are paged). */
  addResponders(
    incidentId: string,
    targets: ResponderTargets,
    message: string,
    signal?: AbortSignal,
  ): Promise<void>;
  /** The user with exactly this e-mail address (case-insensitive), if there is one. */
  findUserByEmail(email: string, signal?: AbortSignal): Promise<TrackerUser | undefined>;
}
