import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION, CANCEL_ACTION } from '../../../src/render/slack/render-approval.js';
import { INCIDENT_ROLLBACK_ACTION } from '../../../src/render/slack/render-incident.js';
import { startFakeKube, type FakeKube } from '../../support/fake-kube/index.js';
import { hostileText } from '../../support/hostile-text.js';
import { kaizenService } from '../../support/kaizen-service.js';
import {
  blockActionsRequest,
  postToBot,
  signSlackBody,
  slashCommandRequest,
  type SlackRequest,
} from '../../support/slack-request.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../../support/test-bot.js';

const CHANNEL = 'C0INCIDENT';
const hostile = hostileText('/tmp/rollback-bot-never');

/** A body signed as Slack signs it, with whatever content type the fuzzer picked. */
function signedRaw(body: string, contentType: string): SlackRequest {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    headers: {
      'Content-Type': contentType,
      'X-Slack-Request-Timestamp': String(timestamp),
      'X-Slack-Signature': signSlackBody(SIGNING_SECRET, body, timestamp),
    },
    body,
  };
}

const slash = fc
  .record({
    text: fc.oneof(
      hostile,
      fc.constantFrom('kaizen v0.7.0', 'kaizen previous', 'status', 'help'),
      hostile.map((h) => `kaizen ${h}`),
      hostile.map((h) => `kaizen v0.7.0 --reason ${h}`),
    ),
    userId: fc.oneof(fc.constant('U0ALICE'), hostile),
    channelId: fc.oneof(fc.constant(CHANNEL), hostile),
    // Mostly ours: a command or action no listener handles is acknowledged only after 2.9 s, by the timer.
    command: fc.oneof({ arbitrary: fc.constant('/rollback'), weight: 19 }, { arbitrary: hostile, weight: 1 }),
  })
  .map((fields) =>
    slashCommandRequest({ signingSecret: SIGNING_SECRET, ...fields, responseUrl: 'http://127.0.0.1:9/x' }),
  );
const click = fc
  .record({
    action_id: fc.oneof(
      { arbitrary: fc.constantFrom(APPROVE_ACTION, CANCEL_ACTION, INCIDENT_ROLLBACK_ACTION), weight: 19 },
      { arbitrary: hostile, weight: 1 },
    ),
    value: fc.oneof(
      hostile,
      fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
    ),
    messageTs: fc.oneof(fc.constant('1700000000.000100'), hostile),
    userId: fc.oneof(fc.constant('U0BOB'), hostile),
  })
  .map(({ messageTs, userId, ...action }) =>
    blockActionsRequest({ signingSecret: SIGNING_SECRET, actions: [action], messageTs, userId }),
  );
const raw = fc
  .tuple(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.jsonValue().map((v) => `payload=${encodeURIComponent(JSON.stringify(v) ?? '')}`),
      fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
      hostile.map((h) => `payload=${h}`),
      fc.constantFrom('payload=null', 'payload=[]', 'payload=1', 'payload="x"', 'null', '{}', ''),
    ),
    fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded; charset=utf-8',
      'multipart/form-data',
    ),
  )
  .map(([body, type]) => signedRaw(body, type));

describe('signed Slack bodies of any shape (fast-check, the real bot over HTTP)', () => {
  let kube: FakeKube;
  let bot: TestBot;

  beforeAll(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0' });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      services: { kaizen: kaizenService('30s') },
    });
  }, 60_000);
  afterAll(async () => {
    await bot.close();
    await kube.close();
  });

  it('are answered without a server error, and nothing unvalidated reaches the cluster', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(slash, click, raw), async (request) => {
        const response = await postToBot(bot.bot.url as string, request);
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    expect(statuses.get(200)).toBeGreaterThan(0);
    // Every change the cluster saw set the image to a version /rollback validates.
    for (const request of kube.requests.filter((r) => r.method === 'PATCH')) {
      for (const image of JSON.stringify(request.body).match(/"image":"[^"]*"/g) ?? [])
        expect(image).toMatch(/^"image":"kaizen:[A-Za-z0-9][A-Za-z0-9._+-]{0,127}"$/);
    }
    // And the bot still serves a plain request afterwards.
    const help = await bot.slash('help', { channelId: CHANNEL });
    expect(help.status).toBe(200);
    expect(JSON.stringify(help.body)).toMatch(/rollback/);
  }, 120_000);
});
