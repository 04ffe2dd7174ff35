import { describe, expect, it } from 'vitest';
import { parsePagerDutyWebhook } from '../../../src/transport/pagerduty/parse-pagerduty-webhook.js';
import { pagerDutyFixture } from '../../support/fake-pagerduty/index.js';

describe('parsePagerDutyWebhook (recorded V3 payloads)', () => {
  it('reads incident.triggered: the incident, its service and escalation policy', () => {
    const parsed = parsePagerDutyWebhook(pagerDutyFixture('incident-triggered.json'), {
      webhookId: 'a1b2-c3',
    });
    expect(parsed).toEqual({
      ok: true,
      dedupeKey: 'webhook:a1b2-c3',
      event: {
        kind: 'incident',
        id: '01DEN7SW4RA2F62L0A3U5T4HXJ',
        eventType: 'incident.triggered',
        resourceType: 'incident',
        occurredAt: '2026-04-09T15:16:27.169Z',
        agent: {
          id: 'PF9KMXH',
          summary: 'Kaizen API',
          url: 'https://acme.pagerduty.com/services/PF9KMXH',
          type: 'service_reference',
        },
        client: 'Datadog',
        incident: {
          id: 'Q2KPW3SL0BGXXN',
          number: 2,
          title: 'kaizen: 5xx rate above 5% for 5 minutes',
          status: 'triggered',
          urgency: 'high',
          url: 'https://acme.pagerduty.com/incidents/Q2KPW3SL0BGXXN',
          service: {
            id: 'PF9KMXH',
            summary: 'Kaizen API',
            url: 'https://acme.pagerduty.com/services/PF9KMXH',
          },
          escalationPolicy: {
            id: 'PUS0KTE',
            summary: 'Kaizen on-call',
            url: 'https://acme.pagerduty.com/escalation_policies/PUS0KTE',
          },
          createdAt: '2026-04-09T15:16:27Z',
        },
      },
    });
  });

  it.each([['yesterday'], [''], [12345], [null]])(
    'an unreadable created_at (%j) is left out; the incident still reads',
    (createdAt) => {
      const body = JSON.parse(pagerDutyFixture('incident-triggered.json').toString('utf8')) as {
        event: { data: Record<string, unknown> };
      };
      body.event.data.created_at = createdAt;
      const parsed = parsePagerDutyWebhook(Buffer.from(JSON.stringify(body)));
      expect(parsed.ok && parsed.event.kind === 'incident' && parsed.event.incident).toMatchObject({
        id: 'Q2KPW3SL0BGXXN',
        number: 2,
      });
      expect(parsed.ok && parsed.event.kind === 'incident' && parsed.event.incident).not.toHaveProperty(
        'createdAt',
      );
    },
  );

  it.each([
    ['incident-acknowledged.json', 'incident.acknowledged', 'acknowledged'],
    ['incident-resolved.json', 'incident.resolved', 'resolved'],
    ['incident-priority-updated.json', 'incident.priority_updated', 'triggered'],
  ])('reads %s as an incident event', (file, eventType, status) => {
    const parsed = parsePagerDutyWebhook(pagerDutyFixture(file));
    expect(parsed.ok && parsed.event).toMatchObject({ kind: 'incident', eventType, incident: { status } });
  });

  it.each([
    'incident-annotated.json',
    'incident-status-update-published.json',
    'incident-responder-added.json',
  ])('reads %s as related to its incident', (file) => {
    const parsed = parsePagerDutyWebhook(pagerDutyFixture(file));
    expect(parsed.ok && parsed.event).toMatchObject({
      kind: 'incident_related',
      incident: { id: 'Q2KPW3SL0BGXXN' },
    });
  });

  it('parses an event type it does not handle as unknown (service.updated, agent and client null)', () => {
    const parsed = parsePagerDutyWebhook(pagerDutyFixture('service-updated.json'));
    expect(parsed).toMatchObject({
      ok: true,
      dedupeKey: 'event:01BRB6ZP4M6T8ZG4X6BP63ZB9O',
      event: {
        kind: 'unknown',
        eventType: 'service.updated',
        reason: 'event type service.updated is not handled',
      },
    });
    expect(parsed.ok && parsed.event).not.toHaveProperty('agent');
  });

  it('keeps unknown fields harmless and reads a future event type as unknown', () => {
    const body = Buffer.from(
      JSON.stringify({
        event: {
          id: 'E1',
          event_type: 'incident.custom_field_values.updated',
          resource_type: 'incident',
          occurred_at: '2026-04-09T15:16:27Z',
          agent: null,
          client: null,
          data: { something: 'new' },
          brand_new_field: { nested: true },
        },
      }),
    );
    expect(parsePagerDutyWebhook(body)).toMatchObject({ ok: true, event: { kind: 'unknown', id: 'E1' } });
  });

  it('an incident event whose data is unreadable is unknown, not an exception', () => {
    const body = JSON.parse(pagerDutyFixture('incident-triggered.json').toString('utf8')) as {
      event: { data: Record<string, unknown> };
    };
    delete body.event.data.service;
    expect(parsePagerDutyWebhook(Buffer.from(JSON.stringify(body)))).toMatchObject({
      ok: true,
      event: { kind: 'unknown', reason: 'incident data unreadable' },
    });
  });

  it.each<[string, string]>([
    ['{"event": {"id": "x", ', 'body is not JSON'],
    ['', 'body is not JSON'],
    ['[1,2]', 'not a V3 webhook event (check (body))'],
    ['{"messages": []}', 'not a V3 webhook event (check event)'],
    [
      '{"event": {"id": "x"}}',
      'not a V3 webhook event (check event.event_type, event.resource_type, event.occurred_at, event.data)',
    ],
  ])('malformed %j is a result, not a throw', (text, reason) => {
    expect(parsePagerDutyWebhook(Buffer.from(text))).toEqual({ ok: false, reason });
  });

  it('dedupes on X-Webhook-Id when sent, else on event.id; an odd header falls back to event.id', () => {
    const body = pagerDutyFixture('incident-resolved.json');
    expect(parsePagerDutyWebhook(body, { webhookId: ' 4b5c1c6e-6f1d-11ec ' })).toMatchObject({
      dedupeKey: 'webhook:4b5c1c6e-6f1d-11ec',
    });
    expect(parsePagerDutyWebhook(body)).toMatchObject({ dedupeKey: 'event:01DEN8F1GQ9V8Y1PJ4H5B6C7D8' });
    expect(parsePagerDutyWebhook(body, { webhookId: 'has spaces:and colons' })).toMatchObject({
      dedupeKey: 'event:01DEN8F1GQ9V8Y1PJ4H5B6C7D8',
    });
  });
});
