import { DEFAULT_USERS, KAIZEN_INCIDENT, KAIZEN_ONCALLS, KAIZEN_POLICY } from './default-directory.js';
import type {
  FakeEscalationPolicy,
  FakeIncident,
  FakeOnCall,
  FakePagerDutyOptions,
  FakeUser,
  StoredNote,
  StoredResponderRequest,
  StoredStatusUpdate,
} from './types.js';

const WEB = 'https://acme.pagerduty.com';
const API = 'https://api.pagerduty.com';

/** The account behind the fake REST API, and the JSON shapes REST API v2 answers with. */
export class FakeAccount {
  readonly users: FakeUser[];
  readonly incidents: FakeIncident[];
  readonly policies: FakeEscalationPolicy[];
  readonly oncalls: FakeOnCall[];
  readonly notes: StoredNote[] = [];
  readonly statusUpdates: StoredStatusUpdate[] = [];
  readonly responderRequests: StoredResponderRequest[] = [];
  #nextId = 1;

  constructor(options: FakePagerDutyOptions) {
    this.users = structuredClone(options.users ?? DEFAULT_USERS);
    this.incidents = structuredClone(options.incidents ?? [KAIZEN_INCIDENT]);
    this.policies = structuredClone(options.escalationPolicies ?? [KAIZEN_POLICY]);
    this.oncalls = structuredClone(options.oncalls ?? KAIZEN_ONCALLS);
  }

  newId(): string {
    return `PN${String(this.#nextId++).padStart(5, '0')}`;
  }

  incident(id: string): FakeIncident | undefined {
    return this.incidents.find((incident) => incident.id === id);
  }

  userByEmail(email: string): FakeUser | undefined {
    return this.users.find((user) => user.email.toLowerCase() === email.trim().toLowerCase());
  }

  user(id: string): FakeUser | undefined {
    return this.users.find((user) => user.id === id);
  }

  policy(id: string): FakeEscalationPolicy | undefined {
    return this.policies.find((policy) => policy.id === id);
  }

  userReference(user: FakeUser): Record<string, unknown> {
    return reference('user', user.id, user.name, 'users');
  }

  fullUser(user: FakeUser): Record<string, unknown> {
    return {
      ...reference('user', user.id, user.name, 'users'),
      type: 'user',
      name: user.name,
      email: user.email,
      time_zone: 'Europe/Berlin',
      role: 'user',
      job_title: null,
    };
  }

  incidentJson(incident: FakeIncident): Record<string, unknown> {
    const policy = this.policy(incident.escalationPolicyId);
    return {
      ...reference('incident', incident.id, `[#${incident.number}] ${incident.title}`, 'incidents'),
      type: 'incident',
      incident_number: incident.number,
      title: incident.title,
      created_at: incident.createdAt,
      updated_at: incident.createdAt,
      status: incident.status,
      urgency: incident.urgency,
      incident_key: `key-${incident.id}`,
      service: reference('service', incident.serviceId, incident.serviceName, 'services'),
      escalation_policy: reference(
        'escalation_policy',
        incident.escalationPolicyId,
        policy?.name ?? 'Default',
        'escalation_policies',
      ),
      assignments: [],
      teams: [],
      priority: null,
      resolve_reason: null,
    };
  }

  noteJson(note: StoredNote): Record<string, unknown> {
    const user = this.user(note.userId);
    return {
      id: note.id,
      user: user ? this.userReference(user) : null,
      channel: { summary: 'The PagerDuty website or APIs' },
      content: note.content,
      created_at: note.createdAt,
    };
  }

  statusUpdateJson(update: StoredStatusUpdate): Record<string, unknown> {
    const sender = this.user(update.senderId);
    return {
      id: update.id,
      message: update.message,
      ...(update.subject ? { subject: update.subject } : {}),
      sender: sender ? this.userReference(sender) : null,
      created_at: update.createdAt,
    };
  }

  policyJson(policy: FakeEscalationPolicy): Record<string, unknown> {
    return {
      ...reference('escalation_policy', policy.id, policy.name, 'escalation_policies'),
      type: 'escalation_policy',
      name: policy.name,
      num_loops: 0,
      escalation_rules: policy.levels.map((level, index) => ({
        id: `R${policy.id.slice(1)}${index + 1}`,
        escalation_delay_in_minutes: level.delayMinutes,
        targets: level.userIds.flatMap((id) => {
          const user = this.user(id);
          return user ? [this.userReference(user)] : [];
        }),
      })),
      services: [],
      teams: [],
    };
  }

  oncallJson(oncall: FakeOnCall, includeUsers: boolean): Record<string, unknown> {
    const user = this.user(oncall.userId);
    const policy = this.policy(oncall.escalationPolicyId);
    return {
      escalation_policy: reference(
        'escalation_policy',
        oncall.escalationPolicyId,
        policy?.name ?? '',
        'escalation_policies',
      ),
      escalation_level: oncall.level,
      schedule: oncall.scheduleName
        ? reference('schedule', `PS${oncall.userId.slice(2)}`, oncall.scheduleName, 'schedules')
        : null,
      user: user ? (includeUsers ? this.fullUser(user) : this.userReference(user)) : null,
      start: oncall.scheduleName ? '2026-04-09T08:00:00Z' : null,
      end: oncall.scheduleName ? '2026-04-10T08:00:00Z' : null,
    };
  }
}

export function reference(kind: string, id: string, summary: string, path: string): Record<string, unknown> {
  const web = kind === 'service' ? 'service-directory' : path;
  return {
    id,
    type: `${kind}_reference`,
    summary,
    self: `${API}/${path}/${id}`,
    html_url: `${WEB}/${web}/${id}`,
  };
}
