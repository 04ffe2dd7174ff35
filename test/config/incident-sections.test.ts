import { describe, expect, it } from 'vitest';
import { catalogErrorMap, describeSchemaIssues } from '../../src/config/describe-schema-issues.js';
import { pagerDutyServiceIndex } from '../../src/config/pagerduty-service-index.js';
import { serviceSchema } from '../../src/config/service-schema.js';
import { kaizenService } from '../support/kaizen-service.js';

const sections = {
  pagerduty: { serviceIds: ['PF9KMXH', 'PIJ90N7'], escalationPolicyId: 'PUS0KTE' },
  notify: {
    stakeholders: ['#kaizen-stakeholders', 'C0123ABCD'],
    statusPage: { url: 'https://status.example.com/hooks/kaizen', component: 'Kaizen API' },
  },
  contacts: [
    { role: 'on-call', name: 'Kaizen on-call', slack: 'U0123ONCALL', phone: '+49 30 1234567' },
    { role: 'infra-lead', name: 'Ines Infra', email: 'ines@example.com' },
    { role: 'manager', name: 'Manuel Manager', email: 'manuel@example.com' },
  ],
  links: {
    dashboards: [{ title: 'Kaizen overview', url: 'https://grafana.example.com/d/kaizen' }],
    runbook: 'https://wiki.example.com/runbooks/kaizen-rollback',
  },
};

function problems(extra: Record<string, unknown>): string[] {
  const result = serviceSchema.safeParse({ ...kaizenService(), ...extra }, { error: catalogErrorMap });
  if (result.success) return [];
  return describeSchemaIssues(result.error.issues, serviceSchema).map((p) => `${p.path}: ${p.message}`);
}

describe('service YAML: pagerduty, notify, contacts, links', () => {
  it('accepts the documented example', () => {
    const service = serviceSchema.parse({ ...kaizenService(), ...sections });
    expect(service.pagerduty).toEqual(sections.pagerduty);
    expect(service.notify?.statusPage?.component).toBe('Kaizen API');
    expect(service.contacts?.map((c) => c.role)).toEqual(['on-call', 'infra-lead', 'manager']);
    expect(service.links?.dashboards).toHaveLength(1);
  });

  it('all four are optional, and existing services parse unchanged', () => {
    const service = serviceSchema.parse(kaizenService());
    expect(service.pagerduty).toBeUndefined();
    expect(service.notify).toBeUndefined();
  });

  it('defaults empty lists', () => {
    const service = serviceSchema.parse({ ...kaizenService(), notify: {}, links: {} });
    expect(service.notify).toEqual({ stakeholders: [] });
    expect(service.links).toEqual({ dashboards: [] });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a lowercase service id',
      { pagerduty: { serviceIds: ['pf9kmxh'] } },
      'pagerduty.serviceIds.0: must be a PagerDuty service id like PIJ90N7 (the last part of its URL in PagerDuty)',
    ],
    [
      'a service URL instead of its id',
      { pagerduty: { serviceIds: ['https://acme.pagerduty.com/service-directory/PF9KMXH'] } },
      'pagerduty.serviceIds.0: must be a PagerDuty service id like PIJ90N7 (the last part of its URL in PagerDuty)',
    ],
    [
      'no service ids',
      { pagerduty: { serviceIds: [] } },
      'pagerduty.serviceIds: must list at least one PagerDuty service id',
    ],
    [
      'a policy id of the wrong shape',
      { pagerduty: { serviceIds: ['PF9KMXH'], escalationPolicyId: 'P12' } },
      'pagerduty.escalationPolicyId: must be a PagerDuty escalation policy id like PUS0KTE (the last part of its URL in PagerDuty)',
    ],
    [
      'a stakeholder channel without #',
      { notify: { stakeholders: ['kaizen'] } },
      'notify.stakeholders.0: must be a channel id like C0123ABCD or a #name',
    ],
    [
      'a status page URL that is no URL',
      { notify: { statusPage: { url: 'status.example.com', component: 'Kaizen' } } },
      'notify.statusPage.url: must be an http(s) URL',
    ],
    [
      'a contact nobody can reach',
      { contacts: [{ role: 'manager', name: 'Manuel' }] },
      'contacts.0: needs at least one of slack, email or phone',
    ],
    [
      'a contact with a Slack name instead of an id',
      { contacts: [{ role: 'on-call', name: 'On-call', slack: '@oncall' }] },
      'contacts.0.slack: must be a Slack user id like U0123ABCD',
    ],
    [
      'a dashboard without a title',
      { links: { dashboards: [{ url: 'https://grafana.example.com/d/kaizen' }] } },
      'links.dashboards.0.title: is required',
    ],
  ])('refuses %s', (_label, extra, problem) => {
    expect(problems(extra)).toEqual([problem]);
  });

  it('suggests the field meant for a misspelt one', () => {
    expect(problems({ pagerduty: { serviceId: ['PF9KMXH'] } })).toContain(
      'pagerduty.serviceId: unknown field; did you mean "serviceIds"?',
    );
  });
});

describe('pagerDutyServiceIndex', () => {
  it('maps PagerDuty services to catalog services and reports ids claimed twice', () => {
    const index = pagerDutyServiceIndex([
      { name: 'kaizen', pagerduty: { serviceIds: ['PF9KMXH', 'PSHARED'] } },
      { name: 'billing', pagerduty: { serviceIds: ['PBILL01', 'PSHARED'] } },
      { name: 'search' },
    ]);
    expect([...index.byPagerDutyService]).toEqual([
      ['PF9KMXH', 'kaizen'],
      ['PBILL01', 'billing'],
    ]);
    expect(index.conflicts).toEqual([
      'PagerDuty service PSHARED is listed by kaizen and billing: list it in one service only',
    ]);
  });
});
