import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../../src/errors/rollback-error.js';
import { RetryLaterError } from '../../../src/errors/retry-later-error.js';
import { PagerDutyRestClient } from '../../../src/targets/pagerduty/pagerduty-rest-client.js';
import {
  BOT_USER,
  INFRA_LEAD,
  KAIZEN_INCIDENT,
  startFakePagerDuty,
  type FakePagerDuty,
} from '../../support/fake-pagerduty/index.js';

let pd: FakePagerDuty;
let client: PagerDutyRestClient;

function clientFor(
  fake: FakePagerDuty,
  overrides: Partial<ConstructorParameters<typeof PagerDutyRestClient>[0]> = {},
) {
  return new PagerDutyRestClient({
    token: fake.token,
    fromEmail: BOT_USER.email,
    apiUrl: fake.url,
    timeoutMs: 2_000,
    rateLimitWaitMs: 1_234,
    ...overrides,
  });
}

beforeEach(async () => {
  pd = await startFakePagerDuty();
  client = clientFor(pd);
});
afterEach(async () => {
  await pd.close();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('PagerDutyRestClient against a PagerDuty REST API v2 server', () => {
  it('adds a note as the configured user, with the token, media type and From header PagerDuty requires', async () => {
    const note = await client.addNote(KAIZEN_INCIDENT.id, 'Rollback of kaizen to v0.7.0 requested by Maeve.');
    expect(note.id).toMatch(/^PN/);
    expect(pd.notes(KAIZEN_INCIDENT.id)).toMatchObject([
      { content: 'Rollback of kaizen to v0.7.0 requested by Maeve.', userId: BOT_USER.id },
    ]);
    const [call] = pd.callsTo('createNote');
    expect(call?.headers).toMatchObject({
      authorization: `Token token=${pd.token}`,
      accept: 'application/vnd.pagerduty+json;version=2',
      from: BOT_USER.email,
    });
    expect(call?.headers.contentType).toMatch(/^application\/json/);
  });

  it('publishes a status update with an optional subject', async () => {
    await client.publishStatusUpdate(KAIZEN_INCIDENT.id, 'Rolling kaizen back to v0.7.0.', 'kaizen rollback');
    await client.publishStatusUpdate(KAIZEN_INCIDENT.id, 'kaizen is back on v0.7.0 and healthy.');
    expect(pd.statusUpdates(KAIZEN_INCIDENT.id)).toMatchObject([
      { message: 'Rolling kaizen back to v0.7.0.', subject: 'kaizen rollback', senderId: BOT_USER.id },
      { message: 'kaizen is back on v0.7.0 and healthy.' },
    ]);
    expect(pd.statusUpdates(KAIZEN_INCIDENT.id)[1]).not.toHaveProperty('subject');
  });

  it('reads an incident with its service and escalation policy', async () => {
    expect(await client.getIncident(KAIZEN_INCIDENT.id)).toEqual({
      id: KAIZEN_INCIDENT.id,
      number: 2,
      title: KAIZEN_INCIDENT.title,
      status: 'triggered',
      urgency: 'high',
      url: `https://acme.pagerduty.com/incidents/${KAIZEN_INCIDENT.id}`,
      service: { id: 'PF9KMXH', name: 'Kaizen API' },
      escalationPolicy: { id: 'PUS0KTE', name: 'Kaizen on-call' },
      createdAt: KAIZEN_INCIDENT.createdAt,
    });
  });

  it('lists who is on call for a policy, level by level, with names and e-mail addresses', async () => {
    const people = await client.oncallsFor('PUS0KTE');
    expect(people).toEqual([
      {
        userId: 'PTUXL6G',
        name: 'Priya Primary',
        email: 'priya@example.com',
        level: 1,
        schedule: 'Kaizen primary',
      },
      { userId: 'PJ25ZYX', name: 'Ines Infra', email: 'ines@example.com', level: 2 },
      { userId: 'PL1JMK5', name: 'Manuel Manager', email: 'manuel@example.com', level: 3 },
    ]);
    expect(pd.callsTo('listOnCalls')[0]?.query).toMatchObject({
      'escalation_policy_ids[]': ['PUS0KTE'],
      'include[]': ['users'],
    });
  });

  it('reads an escalation policy level by level', async () => {
    const policy = await client.escalationPolicy('PUS0KTE');
    expect(policy.levels.map((l) => l.targets.map((t) => t.name))).toEqual([
      ['Priya Primary'],
      ['Ines Infra'],
      ['Manuel Manager'],
    ]);
  });

  it('finds a user by exact e-mail only, although PagerDuty matches the query in part', async () => {
    await pd.close();
    pd = await startFakePagerDuty({
      users: [
        { id: 'PJOANN1', name: 'Jo Ann', email: 'joann@example.com' },
        { id: 'PANN001', name: 'Ann', email: 'Ann@Example.com' },
      ],
    });
    client = clientFor(pd, { fromEmail: 'ann@example.com' });
    expect(await client.findUserByEmail('ANN@example.com')).toEqual({
      id: 'PANN001',
      name: 'Ann',
      email: 'Ann@Example.com',
    });
    expect(await client.findUserByEmail('nobody@example.com')).toBeUndefined();
    expect(pd.callsTo('listUsers')[0]?.query.query).toEqual(['ann@example.com']);
  });

  it('adds responders as the From user, looking that user up once', async () => {
    await client.addResponders(
      KAIZEN_INCIDENT.id,
      { userIds: [INFRA_LEAD.id] },
      'Rollback failed: please help.',
    );
    await client.addResponders(KAIZEN_INCIDENT.id, { escalationPolicyIds: ['PUS0KTE'] }, 'Still failing.');
    expect(pd.responderRequests(KAIZEN_INCIDENT.id)).toMatchObject([
      {
        requesterId: BOT_USER.id,
        message: 'Rollback failed: please help.',
        targets: [{ id: INFRA_LEAD.id, type: 'user_reference' }],
      },
      { targets: [{ id: 'PUS0KTE', type: 'escalation_policy_reference' }] },
    ]);
    expect(pd.callsTo('listUsers')).toHaveLength(1);
  });

  it('refuses a responder request when PAGERDUTY_FROM_EMAIL is no PagerDuty user', async () => {
    const stranger = clientFor(pd, { fromEmail: 'stranger@example.com' });
    const error = await rejection(
      stranger.addResponders(KAIZEN_INCIDENT.id, { userIds: [INFRA_LEAD.id] }, 'help'),
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'pagerduty_requester_unknown' });
  });
});

describe('PagerDutyRestClient failures', () => {
  it('a wrong token is permanent, and its message never carries a token', async () => {
    const wrong = clientFor(pd, { token: 'not-the-token-s3cr3t' });
    const error = await rejection(wrong.addNote(KAIZEN_INCIDENT.id, 'hello'));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'pagerduty_unauthorized' });
    expect(JSON.stringify({ message: error.message, hint: (error as PermanentError).hint })).not.toMatch(
      /s3cr3t|pd-test-token/,
    );
  });

  it('an unknown incident is permanent (404)', async () => {
    const error = await rejection(client.getIncident('QNOSUCHINCIDENT'));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'pagerduty_not_found' });
  });

  it('a From address PagerDuty does not know is refused (400) with a hint about PAGERDUTY_FROM_EMAIL', async () => {
    const error = await rejection(
      clientFor(pd, { fromEmail: 'who@example.com' }).addNote(KAIZEN_INCIDENT.id, 'x'),
    );
    expect(error).toMatchObject({ code: 'pagerduty_bad_request' });
    expect(error.message).toContain('Requester User Not Found');
    expect((error as PermanentError).hint).toContain('PAGERDUTY_FROM_EMAIL');
  });

  it('a 500 is retryable; an HTML 502 from a proxy too (pdjs rejects it with the response itself)', async () => {
    pd.failNext('createNote', { kind: 'http', status: 500 });
    pd.failNext('createNote', { kind: 'http', status: 502, html: '<html>Bad gateway</html>' });
    const first = await rejection(client.addNote(KAIZEN_INCIDENT.id, 'x'));
    const second = await rejection(client.addNote(KAIZEN_INCIDENT.id, 'x'));
    for (const error of [first, second]) {
      expect(error).toBeInstanceOf(RetryableError);
      expect(error).toMatchObject({ code: 'pagerduty_unavailable' });
    }
    expect(second.message).toContain('502');
    await client.addNote(KAIZEN_INCIDENT.id, 'after the outage');
    expect(pd.notes(KAIZEN_INCIDENT.id).map((n) => n.content)).toEqual(['after the outage']);
  });

  it("a 429 is retryable after a wait, with one request sent: pdjs's own retry loop is cut", async () => {
    pd.failNext('createNote', { kind: 'rate_limited', retryAfterSeconds: 20 }, 3);
    const error = await rejection(client.addNote(KAIZEN_INCIDENT.id, 'x'));
    expect(error).toBeInstanceOf(RetryLaterError);
    expect(error).toMatchObject({ code: 'pagerduty_rate_limited', retryAfterMs: 1_234 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pd.callsTo('createNote')).toHaveLength(1);
  });

  it('PagerDuty down is retryable, and works again once it is back', async () => {
    await pd.down();
    const error = await rejection(client.addNote(KAIZEN_INCIDENT.id, 'x'));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'pagerduty_unreachable' });
    expect(error.message).toContain('ECONNREFUSED');
    await pd.up();
    await client.addNote(KAIZEN_INCIDENT.id, 'back');
    expect(pd.notes(KAIZEN_INCIDENT.id)).toHaveLength(1);
  });

  it('no answer is a retryable timeout; the request is aborted, not left running', async () => {
    pd.failNext('getIncident', { kind: 'hang' });
    const error = await rejection(clientFor(pd, { timeoutMs: 200 }).getIncident(KAIZEN_INCIDENT.id));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'pagerduty_timeout' });
  });

  it("the caller's signal aborts a request", async () => {
    pd.failNext('getIncident', { kind: 'hang' });
    const controller = new AbortController();
    const pending = rejection(client.getIncident(KAIZEN_INCIDENT.id, controller.signal));
    await pd.waitFor(() => pd.callsTo('getIncident').length === 1);
    controller.abort();
    expect(await pending).toMatchObject({ code: 'pagerduty_aborted' });
  });
});
