import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaizenService } from '../../support/kaizen-service.js';
import { rawHttp } from '../../support/raw-http.js';
import { slashCommandRequest } from '../../support/slack-request.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../../support/test-bot.js';

const API_TOKEN = 'api-token-0123456789abcdef';
const METRICS_TOKEN = 'metrics-token-0123456789';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Every route of the Slack-mode bot a browser could be pointed at, each with what would let it in. */
const SLACK_MODE_ROUTES: { path: string; headers?: Record<string, string> }[] = [
  { path: '/api/services/kaizen', headers: bearer(API_TOKEN) },
  { path: '/api/audit?limit=5', headers: bearer(API_TOKEN) },
  { path: '/rollbacks/kaizen-20260101-abcdef' },
  { path: '/metrics', headers: bearer(METRICS_TOKEN) },
  { path: '/admin/queues', headers: bearer(API_TOKEN) },
  { path: '/no-such-page' },
];

describe('one host and origin policy for every route', () => {
  let slackBot: TestBot;
  let consoleBot: TestBot;

  beforeAll(async () => {
    const services = { kaizen: kaizenService('30s') };
    slackBot = await startTestBot({
      services,
      config: { apiToken: API_TOKEN, http: { metricsToken: METRICS_TOKEN, allowedHosts: ['bot.internal'] } },
    });
    consoleBot = await startTestBot({ services, slack: false });
  });
  afterAll(async () => {
    await slackBot.close();
    await consoleBot.close();
  });

  it('refuses a foreign Host on every route, before any token or page is looked at', async () => {
    const base = slackBot.bot.url as string;
    for (const route of SLACK_MODE_ROUTES) {
      const foreign = await rawHttp(base, route.path, { host: 'evil.example', headers: route.headers ?? {} });
      expect(foreign.status, route.path).toBe(421);
      expect(foreign.body).not.toMatch(/kaizen|rollbackbot_|requested/);
    }
    const consoleBase = consoleBot.bot.url as string;
    for (const path of ['/', '/console/assets/console.js', '/console/events', '/metrics', '/api/audit']) {
      expect((await rawHttp(consoleBase, path, { host: 'evil.example' })).status, path).toBe(421);
    }
    const command = await rawHttp(consoleBase, '/console/commands', {
      host: 'evil.example',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'mallory', text: 'kaizen --dry-run' }),
    });
    expect(command.status).toBe(421);
  });

  it('answers its own names: loopback, PUBLIC_URL, ALLOWED_HOSTS and IP literals', async () => {
    const base = slackBot.bot.url as string;
    for (const host of ['localhost', '127.0.0.1', 'rollback.test', 'bot.internal', '10.1.2.3']) {
      const answer = await rawHttp(base, '/api/services/kaizen', { host, headers: bearer(API_TOKEN) });
      expect(answer.status, host).toBe(200);
    }
  });

  it('refuses a page of another site (Origin), even on the right host', async () => {
    const answer = await rawHttp(slackBot.bot.url as string, '/api/audit', {
      headers: { ...bearer(API_TOKEN), origin: 'https://evil.example' },
    });
    expect(answer.status).toBe(403);
  });

  it('still takes signed Slack requests and probes whatever name they were sent to', async () => {
    const base = slackBot.bot.url as string;
    const signed = slashCommandRequest({ signingSecret: SIGNING_SECRET, text: 'help' });
    const slack = await rawHttp(base, '/slack/events', {
      host: 'rollback-bot.example.com',
      headers: signed.headers,
      body: signed.body,
    });
    expect(slack.status).toBe(200);
    expect(slack.body).toMatch(/rollback/i);
    expect((await rawHttp(base, '/healthz', { host: '10.0.0.7' })).status).toBe(200);
    expect((await rawHttp(base, '/readyz', { host: 'pod.cluster.local' })).status).toBe(200);
  });

  it('puts /metrics behind METRICS_TOKEN', async () => {
    const base = slackBot.bot.url as string;
    expect((await rawHttp(base, '/metrics')).status).toBe(401);
    expect((await rawHttp(base, '/metrics', { headers: bearer(API_TOKEN) })).status).toBe(401);
    const scraped = await rawHttp(base, '/metrics', { headers: bearer(METRICS_TOKEN) });
    expect(scraped.status).toBe(200);
    expect(scraped.body).toMatch(/rollbackbot_/);
    // Without a token it answers this machine only (a proxy's relay is not this machine).
    const consoleBase = consoleBot.bot.url as string;
    expect((await rawHttp(consoleBase, '/metrics')).status).toBe(200);
    expect(
      (await rawHttp(consoleBase, '/metrics', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status,
    ).toBe(403);
  });

  it('sends every HTML page with a CSP that forbids framing', async () => {
    const pages = [
      await rawHttp(consoleBot.bot.url as string, '/'),
      await rawHttp(consoleBot.bot.url as string, '/rollbacks/kaizen-20260101-abcdef'),
      await rawHttp(slackBot.bot.url as string, '/admin/queues', { headers: bearer(API_TOKEN) }),
    ];
    for (const page of pages) {
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(page.headers['x-frame-options']).toBe('DENY');
    }
    expect(pages[0]?.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(pages[0]?.headers['content-security-policy']).not.toMatch(/unsafe-inline/);
  });
});
