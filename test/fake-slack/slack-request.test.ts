import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import {
  blockActionsRequest,
  postToBot,
  signSlackBody,
  slashCommandRequest,
  type SlackRequest,
} from '../support/slack-request.js';

const SECRET = 'signing-secret';

function boltVerifies(request: SlackRequest): void {
  verifySlackRequest({
    signingSecret: SECRET,
    body: request.body,
    headers: {
      'x-slack-signature': request.headers['X-Slack-Signature']!,
      'x-slack-request-timestamp': Number(request.headers['X-Slack-Request-Timestamp']),
    },
  });
}

describe('signed Slack requests', () => {
  it('signs as Slack documents it', () => {
    // Slack's published example: secret, timestamp and body give this signature.
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackBody('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it("builds a slash command with Slack's form fields that Bolt accepts", () => {
    const request = slashCommandRequest({
      signingSecret: SECRET,
      text: 'kaizen v0.7.0 --reason "bad deploy"',
      responseUrl: 'http://fake/r',
    });
    expect(request.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    const fields = Object.fromEntries(new URLSearchParams(request.body));
    expect(Object.keys(fields)).toEqual(
      expect.arrayContaining([
        'command',
        'text',
        'user_id',
        'user_name',
        'channel_id',
        'channel_name',
        'team_id',
        'team_domain',
        'response_url',
        'trigger_id',
        'api_app_id',
      ]),
    );
    expect(fields).toMatchObject({
      command: '/rollback',
      text: 'kaizen v0.7.0 --reason "bad deploy"',
      response_url: 'http://fake/r',
    });
    expect(request.body).toContain('text=kaizen+v0.7.0');
    expect(() => boltVerifies(request)).not.toThrow();
  });

  it('builds a block_actions payload that Bolt accepts', () => {
    const request = blockActionsRequest({
      signingSecret: SECRET,
      messageTs: '1700000000.000100',
      actions: [{ action_id: 'rollback_approve', value: 'job-1', text: 'Approve' }],
    });
    const payload = JSON.parse(new URLSearchParams(request.body).get('payload')!) as Record<string, unknown>;
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0ALICE' },
      channel: { id: 'C0DEPLOYS' },
      message: { ts: '1700000000.000100' },
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0DEPLOYS' },
      actions: [{ action_id: 'rollback_approve', value: 'job-1', type: 'button', text: { text: 'Approve' } }],
      response_url: expect.stringContaining('/actions/'),
      trigger_id: expect.any(String),
    });
    expect(() => boltVerifies(request)).not.toThrow();
  });

  it('can forge a bad signature or an old timestamp, which Bolt refuses', () => {
    const forged = slashCommandRequest({ signingSecret: SECRET, text: 'kaizen', badSignature: true });
    const old = slashCommandRequest({
      signingSecret: SECRET,
      text: 'kaizen',
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(() => boltVerifies(forged)).toThrow(/signature mismatch/);
    expect(() => boltVerifies(old)).toThrow(/stale/);
  });

  it('postToBot sends the exact body and headers to /slack/events', async () => {
    const seen: { url?: string; headers?: Record<string, unknown>; body?: string } = {};
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        Object.assign(seen, { url: req.url, headers: req.headers, body });
        res.end('');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const request = slashCommandRequest({ signingSecret: SECRET, text: 'status' });
      const response = await postToBot(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, request);
      expect(response.status).toBe(200);
      expect(seen).toMatchObject({
        url: '/slack/events',
        body: request.body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-signature': request.headers['X-Slack-Signature'],
        },
      });
    } finally {
      server.close();
    }
  });
});
