import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quietLogger, startFakeSlack, type FakeSlack } from '../support/fake-slack/index.js';

let slack: FakeSlack;
let web: webApi.WebClient;

beforeEach(async () => {
  slack = await startFakeSlack({
    token: 'xoxb-custom',
    channels: { C0DEPLOYS: 'deploys' },
    users: { U0ALICE: { name: 'alice', realName: 'Alice Doe', email: 'alice@example.com' } },
  });
  web = new webApi.WebClient('xoxb-custom', {
    slackApiUrl: slack.url,
    logger: quietLogger,
    retryConfig: { retries: 0 },
  });
});
afterEach(async () => {
  await slack.close();
});

describe('fake Slack lookups', () => {
  it('describes known channels and refuses others', async () => {
    await expect(web.conversations.info({ channel: 'C0DEPLOYS' })).resolves.toMatchObject({
      channel: { id: 'C0DEPLOYS', name: 'deploys', is_channel: true, is_member: true },
    });
    await expect(web.conversations.info({ channel: 'C0OTHER' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
  });

  it('describes users, and lists user group members once set', async () => {
    await expect(web.users.info({ user: 'U0ALICE' })).resolves.toMatchObject({
      user: {
        id: 'U0ALICE',
        name: 'alice',
        real_name: 'Alice Doe',
        profile: { email: 'alice@example.com' },
        is_bot: false,
      },
    });
    await expect(web.users.info({ user: 'nobody' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
    await expect(web.usergroups.users.list({ usergroup: 'S0SRE' })).rejects.toMatchObject({
      data: { error: 'no_such_subteam' },
    });
    slack.setUserGroups('S0SRE', ['U0ALICE', 'U0BOB']);
    await expect(web.usergroups.users.list({ usergroup: 'S0SRE' })).resolves.toMatchObject({
      users: ['U0ALICE', 'U0BOB'],
    });
  });

  it('answers ephemeral posts with a message_ts, without adding them to the channel', async () => {
    const answer = await web.chat.postEphemeral({
      channel: 'C0DEPLOYS',
      user: 'U0ALICE',
      text: 'only you see this',
    });
    expect(answer).toMatchObject({ ok: true, message_ts: expect.stringMatching(/^\d{10}\.\d{6}$/) });
    expect(slack.messages('C0DEPLOYS')).toEqual([]);
    expect(slack.callsTo('chat.postEphemeral')[0]?.args).toMatchObject({
      user: 'U0ALICE',
      text: 'only you see this',
    });
  });

  it('opens views when given a trigger id', async () => {
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Roll back' },
      blocks: [],
    };
    await expect(web.views.open({ trigger_id: '123.456.abc', view })).resolves.toMatchObject({
      ok: true,
      view: { id: expect.stringMatching(/^V/), type: 'modal' },
    });
    await expect(web.views.open({ trigger_id: '', view })).rejects.toMatchObject({
      data: { error: 'invalid_arguments' },
    });
  });

  it('takes a file upload through getUploadURLExternal, the upload URL and completeUploadExternal', async () => {
    const posted = await web.chat.postMessage({ channel: 'C0DEPLOYS', text: 'status' });
    await web.files.uploadV2({
      channel_id: 'C0DEPLOYS',
      thread_ts: posted.ts!,
      filename: 'report.txt',
      title: 'Rollback report',
      content: 'kaizen rolled back to v0.7.0',
    });
    expect(slack.files()).toEqual([
      expect.objectContaining({
        filename: 'report.txt',
        title: 'Rollback report',
        content: 'kaizen rolled back to v0.7.0',
        completed: true,
      }),
    ]);
    expect(slack.messages('C0DEPLOYS')[0]?.replies[0]?.files).toEqual([
      expect.objectContaining({ title: 'Rollback report' }),
    ]);
    expect(slack.calls.map((c) => c.method)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'file_upload',
      'files.completeUploadExternal',
    ]);
  });
});

describe('fake Slack external uploads', () => {
  const bytes = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x80]);

  it('keeps raw binary bytes, refuses a size other than the one announced, and shows shares in files.info', async () => {
    const posted = await web.chat.postMessage({ channel: 'C0DEPLOYS', text: 'status' });
    const wrong = await web.files.getUploadURLExternal({ filename: 'b.tar.gz', length: bytes.length + 1 });
    const refused = await fetch(wrong.upload_url!, { method: 'POST', body: new Uint8Array(bytes) });
    expect(refused.status).toBe(400);
    await expect(
      web.files.completeUploadExternal({ files: [{ id: wrong.file_id! }], channel_id: 'C0DEPLOYS' }),
    ).rejects.toMatchObject({ data: { error: 'file_not_found' } });

    const target = await web.files.getUploadURLExternal({ filename: 'b.tar.gz', length: bytes.length });
    await expect(web.files.info({ file: target.file_id! })).rejects.toMatchObject({
      data: { error: 'file_not_found' },
    });
    const ok = await fetch(target.upload_url!, { method: 'POST', body: new Uint8Array(bytes) });
    expect(ok.status).toBe(200);
    await web.files.completeUploadExternal({
      files: [{ id: target.file_id!, title: 'Evidence' }],
      channel_id: 'C0DEPLOYS',
      thread_ts: posted.ts!,
    });
    expect(Buffer.compare(slack.files()[1]!.bytes!, bytes)).toBe(0);
    const info = await web.files.info({ file: target.file_id! });
    expect(info.file?.shares?.public?.C0DEPLOYS).toEqual([expect.objectContaining({ thread_ts: posted.ts })]);
    // The upload URL is single-use once the file is completed.
    expect((await fetch(target.upload_url!, { method: 'POST', body: new Uint8Array(bytes) })).status).toBe(
      404,
    );
    const listed = await web.files.list({ channel: 'C0DEPLOYS' });
    expect(listed.files?.map((f) => f.id)).toEqual([target.file_id]);
  });
});

describe('fake Slack response_url', () => {
  it('records JSON posts under the given id and refuses a sixth use', async () => {
    const url = slack.responseUrl('cmd-1');
    const post = (text: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text, response_type: 'ephemeral' }),
      });
    for (let i = 1; i <= 5; i += 1) expect((await post(`reply ${i}`)).status).toBe(200);
    const sixth = await post('too many');
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
    expect(slack.callsTo('response_url')[0]).toMatchObject({
      responseUrlId: 'cmd-1',
      args: { text: 'reply 1', response_type: 'ephemeral' },
    });
  });

  it('waitFor resolves when the awaited call arrives and explains a timeout', async () => {
    setTimeout(
      () =>
        void fetch(slack.responseUrl(), {
          method: 'POST',
          body: '{"text":"late"}',
          headers: { 'content-type': 'application/json' },
        }),
      50,
    );
    await slack.waitFor(() => slack.callsTo('response_url').length === 1);
    await expect(slack.waitFor(() => false, 50)).rejects.toThrow(
      /within 50 ms \(calls so far: response_url\)/,
    );
  });
});
