import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/rollback/ports/audit-log.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import type { FakeMessage } from '../support/fake-slack/types.js';
import { blockActionsRequest, postToBot } from '../support/slack-request.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../support/test-bot.js';
import { kaizenServiceIn } from '../support/kaizen-service.js';

const CHANNEL = 'C0DEPLOYS';

interface ItemBlock {
  block_id?: string;
  text?: { text: string };
  accessory?: { type: string; initial_options?: unknown[] };
}

const statusMessage = (bot: TestBot): FakeMessage | undefined =>
  bot.slack.messages(CHANNEL).find((m) => m.text.startsWith('Rollback of kaizen'));
const checklistsMessage = (bot: TestBot): FakeMessage | undefined =>
  statusMessage(bot)?.replies.find((r) => r.text.startsWith('Checklists:'));
const itemBlock = (bot: TestBot, listId: string, itemId: string): ItemBlock | undefined =>
  (checklistsMessage(bot)?.blocks as ItemBlock[] | undefined)?.find((b) =>
    b.block_id?.endsWith(`|${listId}|${itemId}`),
  );

/** A form post naming another Host (a DNS-rebinding page): fetch cannot set Host, node:http can. */
function rawPost(url: string, form: Record<string, string>, host: string): Promise<number | undefined> {
  const body = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { host, 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        res.resume();
        resolve(res.statusCode);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('interactive checklists: Slack checkboxes, the bot ticking what it verified, every tick audited', () => {
  let kube: FakeKube;
  let bot: TestBot;
  let health: Server;

  beforeAll(async () => {
    health = createServer((_req, res) => res.writeHead(200).end('ok'));
    await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => health.close(resolve));
  });
  beforeEach(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 2 });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      services: {
        kaizen: kaizenServiceIn(CHANNEL, {
          verify: {
            healthUrl: `http://127.0.0.1:${(health.address() as AddressInfo).port}/health`,
            logErrorPattern: 'FATAL',
          },
        }),
      },
    });
  });
  afterEach(async () => {
    await bot.close();
    await kube.close();
  });

  async function click(jobId: string, listId: string, itemId: string, done: boolean, user = 'alice') {
    const response = await postToBot(
      bot.bot.url as string,
      blockActionsRequest({
        signingSecret: SIGNING_SECRET,
        userId: `U0${user.toUpperCase()}`,
        userName: user,
        actions: [
          {
            action_id: 'checklist_tick',
            block_id: `checklist|${jobId}|${listId}|${itemId}`,
            selected_options: done ? [{ text: { type: 'plain_text', text: 'Done' }, value: 'done' }] : [],
          },
        ],
        messageTs: checklistsMessage(bot)?.ts ?? '',
        responseUrl: bot.slack.responseUrl(`tick-${user}`),
      }),
    );
    expect(response.status).toBe(200);
  }

  it('the bot ticks what verification answered; people tick the rest; the message, the audit and the draft show who', async () => {
    const { body } = await bot.slash('kaizen v0.7.0');
    const jobId = /job (kaizen-[a-z0-9]+-[a-z0-9]{4})/.exec(JSON.stringify(body))?.[1] as string;
    await bot.slack.waitFor(() => checklistsMessage(bot) !== undefined, 20_000);

    // Ticked by the bot, with the evidence: pods, health and logs were verified by the rollback itself.
    for (const id of ['pods-healthy', 'health', 'logs-clean']) {
      const block = itemBlock(bot, 'verify', id);
      expect(block?.accessory?.type).toBe('checkboxes');
      expect(block?.accessory?.initial_options).toHaveLength(1);
      expect(block?.text?.text).toMatch(/✅ _rollback-bot at .*: verified: /);
    }
    expect(itemBlock(bot, 'verify', 'pods-healthy')?.text?.text).toContain('verified: 2/2 pods ready');
    expect(itemBlock(bot, 'verify', 'health')?.text?.text).toContain('verified: health 200');
    // What needs a person is left for people.
    expect(itemBlock(bot, 'after-rollback', 'lessons')?.accessory?.initial_options).toBeUndefined();

    const updatesBefore = checklistsMessage(bot)?.updates ?? 0;
    await click(jobId, 'after-rollback', 'schedule-post-mortem', true);
    await bot.slack.waitFor(
      () => /alice at/.test(itemBlock(bot, 'after-rollback', 'schedule-post-mortem')?.text?.text ?? ''),
      5_000,
    );
    expect(itemBlock(bot, 'after-rollback', 'schedule-post-mortem')?.accessory?.initial_options).toHaveLength(
      1,
    );
    await click(jobId, 'verify', 'alerts', true, 'bob');
    await click(jobId, 'verify', 'alerts', false, 'bob');
    await bot.slack.waitFor(
      () => /unticked by bob/.test(itemBlock(bot, 'verify', 'alerts')?.text?.text ?? ''),
      5_000,
    );
    expect(checklistsMessage(bot)?.updates).toBeGreaterThan(updatesBefore);
    // Still one checklists message: ticks edit it in place.
    expect(statusMessage(bot)?.replies.filter((r) => r.text.startsWith('Checklists:'))).toHaveLength(1);

    const listed = (await (await fetch(`${bot.bot.url}/api/audit?jobId=${jobId}&limit=100`)).json()) as {
      entries: AuditEntry[];
    };
    const audit = listed.entries.reverse();
    const ticks = audit
      .filter((e) => e.type === 'checklist_ticked' || e.type === 'checklist_unticked')
      .map((e) => `${e.type} ${e.actor.name} ${e.detail?.split(':')[0]}`);
    expect(ticks).toEqual([
      'checklist_ticked rollback-bot verify/pods-healthy',
      'checklist_ticked rollback-bot verify/logs-clean',
      'checklist_ticked rollback-bot verify/health',
      'checklist_ticked alice after-rollback/schedule-post-mortem',
      'checklist_ticked bob verify/alerts',
      'checklist_unticked bob verify/alerts',
    ]);
    expect(audit.every((e) => typeof e.at === 'string')).toBe(true);

    const draft = await (await fetch(`${bot.bot.url}/rollbacks/${jobId}/postmortem.md`)).text();
    expect(draft).toMatch(/\[x\] Schedule the post-mortem.*alice/);
    expect(draft).toMatch(/\[x\] All pods are running.*rollback-bot.*verified: 2\/2 pods ready/);
    expect(draft).toMatch(/\[ \] Alerts are not firing/);
    expect(draft).toMatch(/Checklist item ticked: after-rollback\/schedule-post-mortem.*alice/);
  });

  it('the report page ticks through a plain form (same access, its token): audited, the Slack message redrawn; forged posts are refused', async () => {
    const { body } = await bot.slash('kaizen v0.7.0');
    const jobId = /job (kaizen-[a-z0-9]+-[a-z0-9]{4})/.exec(JSON.stringify(body))?.[1] as string;
    await bot.slack.waitFor(() => checklistsMessage(bot) !== undefined, 20_000);
    const url = bot.bot.url as string;
    const page = await (await fetch(`${url}/rollbacks/${jobId}`)).text();
    const token = /name="token" value="([0-9a-f]{64})"/.exec(page)?.[1] as string;
    expect(token).toBeDefined();
    expect(page).toContain(`action="/rollbacks/${jobId}/checklists"`);
    expect(page).toContain('value="after-rollback|lessons|1"');
    const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${url}/rollbacks/${jobId}/checklists`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form).toString(),
      });
    const tick = { toggle: 'after-rollback|lessons|1', name: 'Carol Ops', token };
    const version = async () => (await bot.bot.rollbacks.status(jobId))?.version;
    const before = await version();

    // A page of another site posting the form is refused by the Origin, a post without the page's token by
    // the token (the page sends `Origin: null`: no-referrer), and a wrong Host too: nothing changes.
    expect((await post(tick, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ ...tick, token: '0'.repeat(64) }, { origin: 'null' })).status).toBe(403);
    expect((await post({ toggle: tick.toggle, name: tick.name })).status).toBe(403);
    // The page's own access rules: here (no REPORT_TOKEN or key) this machine only, not through a proxy.
    expect((await post(tick, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(403);
    expect(await rawPost(`${url}/rollbacks/${jobId}/checklists`, tick, 'evil.example')).toBe(421);
    expect((await post({ ...tick, name: '' })).status).toBe(400);
    expect((await post({ ...tick, toggle: 'after-rollback|no-such-item|1' })).status).toBe(400);
    expect(await version()).toBe(before);

    const updates = checklistsMessage(bot)?.updates ?? 0;
    const ok = await post(tick, { origin: 'null' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/rollbacks/${jobId}#checklists`);
    await bot.slack.waitFor(
      () => /Carol Ops at/.test(itemBlock(bot, 'after-rollback', 'lessons')?.text?.text ?? ''),
      5_000,
    );
    expect(checklistsMessage(bot)?.updates).toBe(updates + 1);
    const after = await (await fetch(`${url}/rollbacks/${jobId}`)).text();
    expect(after).toMatch(/☑ [^<]*[\s\S]*?— Carol Ops at/);
    expect(after).toContain('value="after-rollback|lessons|0"');

    const listed = (await (await fetch(`${url}/api/audit?jobId=${jobId}&limit=100`)).json()) as {
      entries: AuditEntry[];
    };
    const entry = listed.entries.find((e) => e.type === 'checklist_ticked' && e.actor.name === 'Carol Ops');
    expect(entry).toMatchObject({ actor: { id: 'report:carol.ops', source: 'http' } });
    expect(entry?.detail).toBe('after-rollback/lessons');
  });

  it('a click naming an item the rollback does not have is refused to the clicker and changes nothing', async () => {
    const { body } = await bot.slash('kaizen v0.7.0');
    const jobId = /job (kaizen-[a-z0-9]+-[a-z0-9]{4})/.exec(JSON.stringify(body))?.[1] as string;
    await bot.slack.waitFor(() => checklistsMessage(bot) !== undefined, 20_000);
    const before = (await bot.bot.rollbacks.status(jobId))?.version;
    await click(jobId, 'verify', 'no-such-item', true);
    await bot.slack.waitFor(
      () => bot.slack.callsTo('response_url').some((c) => /no checklist item/.test(JSON.stringify(c.args))),
      5_000,
    );
    expect((await bot.bot.rollbacks.status(jobId))?.version).toBe(before);
  });
});
