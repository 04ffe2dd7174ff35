import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.js';
import { kaizenService } from '../../support/kaizen-service.js';
import { blockActionsRequest, postToBot, slashCommandRequest } from '../../support/slack-request.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../../support/test-bot.js';

/** Every log line the bot writes, parsed. */
function memoryLog() {
  const lines: { level: number; msg: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { lines, log: createLogger({ level: 'info', destination }) };
}

describe('a signed Slack request that no listener handles', () => {
  let bot: TestBot;
  let logged: ReturnType<typeof memoryLog>;

  beforeEach(async () => {
    logged = memoryLog();
    bot = await startTestBot({ services: { kaizen: kaizenService() }, overrides: { log: logged.log } });
  });
  afterEach(async () => {
    await bot.close();
  });

  const click = (responseId: string, action_id: string, value: string) =>
    postToBot(
      bot.bot.url as string,
      blockActionsRequest({
        signingSecret: SIGNING_SECRET,
        responseUrl: bot.slack.responseUrl(responseId),
        messageTs: '1764790000.000100',
        actions: [{ action_id, value }],
      }),
    );
  const answered = (responseId: string) =>
    bot.slack
      .callsTo('response_url')
      .filter((c) => c.responseUrlId === responseId)
      .map((c) => String(c.args['text']));
  /** The receiver's timer answered: no listener acknowledged it before Slack's 3 s ran out. */
  const timedOut = () => logged.lines.filter((l) => l.msg === 'no acknowledgement within 3 s');

  it('a Cancel button of an older message: acknowledged without the timer, and told nothing was done', async () => {
    const response = await click('old-cancel', 'rollback_cancel_v0', 'kaizen-mx0old00-abcd');
    expect(response.status).toBe(200);
    await bot.slack.waitFor(() => answered('old-cancel').length === 1, 10_000);
    expect(answered('old-cancel')[0]).toContain(
      'This button is not one the bot handles (it may be on an older message); nothing was done.',
    );
    expect(logged.lines.map((l) => l.msg)).toContain('no listener handled a Slack request');
    expect(timedOut()).toHaveLength(0);
  });

  it('the Cancel button of an unknown job: its listener answers at once that there is no such rollback', async () => {
    const response = await click('unknown-job', 'rollback_cancel', 'kaizen-mx0none0-abcd');
    expect(response.status).toBe(200);
    await bot.slack.waitFor(() => answered('unknown-job').length === 1, 10_000);
    expect(answered('unknown-job')[0]).toContain('No rollback with id "kaizen-mx0none0-abcd"');
    expect(logged.lines.map((l) => l.msg)).not.toContain('no listener handled a Slack request');
    expect(timedOut()).toHaveLength(0);
  });

  it('a slash command the bot does not handle: the acknowledgement says so and what to type', async () => {
    const request = slashCommandRequest({
      signingSecret: SIGNING_SECRET,
      text: 'kaizen',
      command: '/deploy',
      responseUrl: bot.slack.responseUrl('deploy'),
    });
    const response = await postToBot(bot.bot.url as string, request);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      response_type: 'ephemeral',
      text: '/deploy is not a command this bot handles; nothing was done. Type /rollback help.',
    });
    expect(timedOut()).toHaveLength(0);
  });
});
