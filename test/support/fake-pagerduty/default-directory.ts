import type { FakeEscalationPolicy, FakeIncident, FakeOnCall, FakeUser } from './types.js';

/** The bot's own PagerDuty user: `PAGERDUTY_FROM_EMAIL` in tests. */
export const BOT_USER: FakeUser = { id: 'PBOT7RB', name: 'Rollback Bot', email: 'rollback-bot@example.com' };
export const MAEVE: FakeUser = { id: 'PVMGSML', name: 'Maeve', email: 'maeve@example.com' };
export const ONCALL_PRIMARY: FakeUser = { id: 'PTUXL6G', name: 'Priya Primary', email: 'priya@example.com' };
export const INFRA_LEAD: FakeUser = { id: 'PJ25ZYX', name: 'Ines Infra', email: 'ines@example.com' };
export const MANAGER: FakeUser = { id: 'PL1JMK5', name: 'Manuel Manager', email: 'manuel@example.com' };

/** The incident of test/fixtures/pagerduty/incident-triggered.json. */
export const KAIZEN_INCIDENT: FakeIncident = {
  id: 'Q2KPW3SL0BGXXN',
  number: 2,
  title: 'kaizen: 5xx rate above 5% for 5 minutes',
  status: 'triggered',
  urgency: 'high',
  serviceId: 'PF9KMXH',
  serviceName: 'Kaizen API',
  escalationPolicyId: 'PUS0KTE',
  createdAt: '2026-04-09T15:16:27Z',
};

export const KAIZEN_POLICY: FakeEscalationPolicy = {
  id: 'PUS0KTE',
  name: 'Kaizen on-call',
  levels: [
    { delayMinutes: 15, userIds: [ONCALL_PRIMARY.id] },
    { delayMinutes: 30, userIds: [INFRA_LEAD.id] },
    { delayMinutes: 30, userIds: [MANAGER.id] },
  ],
};

export const KAIZEN_ONCALLS: FakeOnCall[] = [
  { escalationPolicyId: 'PUS0KTE', level: 1, userId: ONCALL_PRIMARY.id, scheduleName: 'Kaizen primary' },
  { escalationPolicyId: 'PUS0KTE', level: 2, userId: INFRA_LEAD.id },
  { escalationPolicyId: 'PUS0KTE', level: 3, userId: MANAGER.id },
];

export const DEFAULT_USERS = [BOT_USER, MAEVE, ONCALL_PRIMARY, INFRA_LEAD, MANAGER];
