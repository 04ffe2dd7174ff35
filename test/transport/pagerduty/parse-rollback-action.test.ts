import { describe, expect, it } from 'vitest';
import { parseRollbackAction } from '../../../src/transport/pagerduty/parse-rollback-action.js';
import { verifyActionToken } from '../../../src/transport/pagerduty/verify-action-token.js';
import { pagerDutyFixture } from '../../support/fake-pagerduty/index.js';

const parse = (body: unknown) =>
  parseRollbackAction(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));

describe('parseRollbackAction', () => {
  it('reads the documented workflow body', () => {
    expect(parseRollbackAction(pagerDutyFixture('rollback-action.json'))).toEqual({
      ok: true,
      action: {
        incidentId: 'Q2KPW3SL0BGXXN',
        service: 'kaizen',
        version: 'v0.7.0',
        requesterEmail: 'maeve@example.com',
        reason: '5xx after the v0.8.0 deploy',
        dryRun: false,
      },
    });
  });

  it('needs only incident_id; empty template variables count as absent', () => {
    expect(
      parse({ incident_id: 'PT4KHLK', service: '', version: ' ', requester_email: '', reason: '' }),
    ).toEqual({
      ok: true,
      action: { incidentId: 'PT4KHLK', dryRun: false },
    });
  });

  it('accepts dry_run as a boolean or the text true/false; lowercases the e-mail', () => {
    expect(
      parse({ incident_id: 'PT4KHLK', dry_run: 'true', requester_email: 'Maeve@Example.com' }),
    ).toMatchObject({
      ok: true,
      action: { dryRun: true, requesterEmail: 'maeve@example.com' },
    });
    expect(parse({ incident_id: 'PT4KHLK', dry_run: true })).toMatchObject({ action: { dryRun: true } });
  });

  it('lists every problem at once, in words a workflow author can act on', () => {
    const result = parse({
      incidentId: 'PT4KHLK',
      service: 'Kaizen!',
      version: 'v1; rm -rf /',
      dry_run: 'yes',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'incident_id is required: the PagerDuty incident id, {{incident.id}} in a workflow',
      'service must be a catalog service name like kaizen',
      'version must be letters, digits and . _ + - (at most 128)',
      'dry_run must be true or false',
      'unknown field "incidentId" (fields: incident_id, service, version, requester_email, reason, dry_run)',
    ]);
    expect(result.message).toMatch(/^Rollback request refused: incident_id is required/);
  });

  it.each<[string, string]>([
    ['not json', 'the body is not JSON: send Content-Type application/json with a JSON object'],
    [
      '[]',
      'the body must be a JSON object with incident_id, service, version, requester_email, reason, dry_run',
    ],
    [
      '{"incident_id": 42}',
      'incident_id is required: the PagerDuty incident id, {{incident.id}} in a workflow',
    ],
    [
      '{"incident_id": "pt4khlk"}',
      'incident_id must be a PagerDuty incident id like Q2KPW3SL0BGXXN or PT4KHLK',
    ],
    ['{"incident_id": "PT4KHLK", "requester_email": "maeve"}', 'requester_email must be an e-mail address'],
    ['{"incident_id": "PT4KHLK", "service": 7}', 'service must be a string'],
  ])('refuses %s', (body, problem) => {
    expect(parse(body)).toMatchObject({ ok: false, problems: [problem] });
  });
});

describe('verifyActionToken', () => {
  const token = 'action-token-0123456789abcdef';
  it('accepts the configured bearer token', () => {
    expect(verifyActionToken(`Bearer ${token}`, token)).toBe(true);
    expect(verifyActionToken(`bearer ${token}`, token)).toBe(true);
  });
  it.each([
    undefined,
    '',
    token,
    `Bearer ${token}x`,
    `Bearer ${token.slice(1)}`,
    'Bearer',
    `Token token=${token}`,
  ])('refuses %j', (header) => {
    expect(verifyActionToken(header, token)).toBe(false);
  });
  it('fails closed when no token is configured', () => {
    expect(verifyActionToken('Bearer ', '')).toBe(false);
    expect(verifyActionToken('Bearer x', '')).toBe(false);
  });
});
