import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaizenService } from '../../support/kaizen-service.js';
import { startTestBot, type TestBot } from '../../support/test-bot.js';

const TOKEN = 'dashboard-token-0123456789';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('the queue dashboard (Bull Board) at /admin/queues', () => {
  let bot: TestBot;
  let open: TestBot;

  beforeAll(async () => {
    const services = {
      kaizen: kaizenService(),
      'kaizen-eu': kaizenService('60s', { name: 'kaizen-eu', site: 'eu-1' }),
    };
    bot = await startTestBot({ role: 'web', services, config: { apiToken: TOKEN } });
    open = await startTestBot({ role: 'web', services });
  }, 30_000);
  afterAll(async () => {
    await bot?.close();
    await open?.close();
  });

  it('is refused without API_TOKEN configured, even from this machine', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const response = await fetch(`${open.bot.url}${path}`);
      expect(response.status, path).toBe(403);
      expect(((await response.json()) as { message: string }).message).toMatch(/off until API_TOKEN is set/);
    }
  });

  it('asks for the token, and refuses a wrong one', async () => {
    const none = await fetch(`${bot.bot.url}/admin/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const wrong = await fetch(`${bot.bot.url}/admin/queues/api/queues`, {
      headers: { authorization: basic('ops', 'not-the-token') },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('rollbacks');
  });

  it('shows every site queue, read-only, to whoever has the token (Basic from a browser, or Bearer)', async () => {
    const page = await fetch(`${bot.bot.url}/admin/queues`, {
      headers: { authorization: basic('ops', TOKEN) },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    // The page's own script loads with the same credentials (a browser resends them).
    const script = /src="([^"]+\.js)"/.exec(await page.text())?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(new URL(script!, `${bot.bot.url}/admin/queues/`), {
      headers: { authorization: basic('ops', TOKEN) },
    });
    expect(asset.status).toBe(200);
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const anonymous = await fetch(new URL(script!, `${bot.bot.url}/admin/queues/`));
    expect(anonymous.status).toBe(401);
    await anonymous.arrayBuffer();
    const api = await fetch(`${bot.bot.url}/admin/queues/api/queues`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['rollbacks', 'rollbacks-eu-1']);
    expect(body.queues.every((q) => q.readOnlyMode)).toBe(true);
  });
});
