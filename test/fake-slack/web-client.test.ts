import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_BOT, quietLogger, startFakeSlack, type FakeSlack } from '../support/fake-slack/index.js';

const CHANNEL = 'C0DEPLOYS';
let slack: FakeSlack;

function client(token = 'xoxb-test', retries = 2): webApi.WebClient {
  return new webApi.WebClient(token, {
    slackApiUrl: slack.url,
    logger: quietLogger,
    retryConfig: { retries, minTimeout: 5, maxTimeout: 20, factor: 1 },
  });
}

beforeEach(async () => {
  slack = await startFakeSlack();
});
afterEach(async () => {
  await slack.close();
});

describe('fake Slack Web API, driven by the real WebClient', () => {
  it('answers auth.test with the bot identity and records the token', async () => {
    const auth = await client().auth.test();
    expect(auth).toMatchObject({
      ok: true,
      user_id: FAKE_BOT.userId,
      team_id: FAKE_BOT.teamId,
      bot_id: FAKE_BOT.botId,
    });
    expect(slack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    expect(slack.callsTo('auth.test')).toEqual([expect.objectContaining({ token: 'xoxb-test', args: {} })]);
  });

  it('posts messages with unique, increasing Slack-style ts and shows them in the channel', async () => {
    const web = client();
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Rolling back* kaizen' } }];
    const first = await web.chat.postMessage({ channel: CHANNEL, text: 'Rolling back kaizen', blocks });
    const second = await web.chat.postMessage({ channel: CHANNEL, text: 'second' });
    expect(first).toMatchObject({ ok: true, channel: CHANNEL, ts: '1700000000.000100' });
    expect(first.message).toMatchObject({ text: 'Rolling back kaizen', blocks, bot_id: FAKE_BOT.botId });
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(second.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(slack.messages(CHANNEL).map((m) => m.text)).toEqual(['Rolling back kaizen', 'second']);
    // Blocks sent as a JSON string inside the form body come back decoded.
    expect(slack.callsTo('chat.postMessage')[0]?.args.blocks).toEqual(blocks);
  });

  it('updates a message in place and refuses an unknown ts with message_not_found', async () => {
    const web = client();
    const posted = await web.chat.postMessage({ channel: CHANNEL, text: 'step 1 running' });
    const updated = await web.chat.update({ channel: CHANNEL, ts: posted.ts!, text: 'step 1 done' });
    expect(updated).toMatchObject({ ok: true, channel: CHANNEL, ts: posted.ts, text: 'step 1 done' });
    expect(slack.messages(CHANNEL)).toEqual([
      expect.objectContaining({ ts: posted.ts, text: 'step 1 done', updates: 1, edited: expect.anything() }),
    ]);
    await expect(
      web.chat.update({ channel: CHANNEL, ts: '1600000000.000001', text: 'x' }),
    ).rejects.toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'message_not_found' },
    });
  });

  it('keeps thread replies under their parent, also when replying to a reply', async () => {
    const web = client();
    const parent = await web.chat.postMessage({ channel: CHANNEL, text: 'status' });
    const reply = await web.chat.postMessage({ channel: CHANNEL, thread_ts: parent.ts!, text: 'detail 1' });
    await web.chat.postMessage({ channel: CHANNEL, thread_ts: reply.ts!, text: 'detail 2' });
    expect(reply.message).toMatchObject({ thread_ts: parent.ts });
    const [top, ...rest] = slack.messages(CHANNEL);
    expect(rest).toEqual([]);
    expect(top?.replies.map((r) => [r.text, r.thread_ts])).toEqual([
      ['detail 1', parent.ts],
      ['detail 2', parent.ts],
    ]);
  });

  it('answers ok:false errors as platform errors: scripted, wrong token, unknown channel, unknown method', async () => {
    slack.failNext('chat.postMessage', 'not_in_channel');
    await expect(client().chat.postMessage({ channel: CHANNEL, text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { error: 'not_in_channel' },
    });
    await expect(client().chat.postMessage({ channel: CHANNEL, text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
    await expect(client('xoxb-wrong').auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    await expect(client().chat.postMessage({ channel: 'general', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    await expect(client().apiCall('chat.teleport', {})).rejects.toMatchObject({
      data: { error: 'unknown_method' },
    });
    expect(slack.callsTo('auth.test')[0]?.token).toBe('xoxb-wrong');
  });

  it('refuses blocks that break Block Kit limits with invalid_blocks', async () => {
    const web = client();
    const longSection = [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }];
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const longButton = [
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b'.repeat(76) } }],
      },
    ];
    const button = { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'ok' } };
    const crowded = [
      {
        type: 'actions',
        elements: Array.from({ length: 26 }, (_, i) => ({ ...button, action_id: `a${i}` })),
      },
    ];
    for (const blocks of [longSection, tooMany, longButton, crowded]) {
      await expect(web.chat.postMessage({ channel: CHANNEL, text: 't', blocks })).rejects.toMatchObject({
        data: { error: 'invalid_blocks' },
      });
    }
    const rejected = await web.chat
      .postMessage({ channel: CHANNEL, text: 't', blocks: longSection })
      .catch((e: unknown) => e);
    expect(rejected).toMatchObject({
      data: {
        response_metadata: {
          messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
        },
      },
    });
    const posted = await web.chat.postMessage({ channel: CHANNEL, text: 'fine' });
    await expect(
      web.chat.update({ channel: CHANNEL, ts: posted.ts!, blocks: tooMany }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    expect(slack.messages(CHANNEL).map((m) => m.text)).toEqual(['fine']);
  });

  it('answers 429 with Retry-After, and the client waits that long before retrying', async () => {
    slack.rateLimitNext('chat.postMessage', 1);
    const started = Date.now();
    const posted = await client().chat.postMessage({ channel: CHANNEL, text: 'after the pause' });
    const attempts = slack.callsTo('chat.postMessage');
    expect(posted.ok).toBe(true);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(990);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(slack.messages(CHANNEL).map((m) => m.text)).toEqual(['after the pause']);
  });

  it('lets a client that rejects rate-limited calls see the Retry-After', async () => {
    slack.rateLimitNext('chat.update', 30);
    const web = new webApi.WebClient('xoxb-test', {
      slackApiUrl: slack.url,
      rejectRateLimitedCalls: true,
      logger: quietLogger,
    });
    await expect(web.chat.update({ channel: CHANNEL, ts: '1', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 30,
    });
  });

  it('answers scripted HTTP errors; the client retries them and gives up after its policy', async () => {
    slack.failHttpNext('chat.postMessage', 503);
    await expect(client().chat.postMessage({ channel: CHANNEL, text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);

    slack.failHttpNext('conversations.info', 500, 3);
    await expect(client('xoxb-test', 2).conversations.info({ channel: CHANNEL })).rejects.toMatchObject({
      code: 'slack_webapi_http_error',
      statusCode: 500,
    });
    expect(slack.callsTo('conversations.info')).toHaveLength(3);
  });
});
