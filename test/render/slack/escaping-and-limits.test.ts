import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import {
  renderChecklists,
  renderDetail,
  renderError,
  renderJobStatus,
  renderPlan,
  renderStatusMessage,
  renderVersions,
  type SlackMessage,
} from '../../../src/render/slack/index.js';
import type { ProgressSnapshot } from '../../../src/rollback/progress-snapshot.js';
import { checkBlocks, quietLogger, startFakeSlack } from '../../support/fake-slack/index.js';
import { plan, snapshot } from './fixtures.js';

const EVIL = '<!channel> <!here|here> <@U0BOSS> <http://evil.example|click me> & <#C0SECRET>';
const REPORT = 'https://rollback.example.com/jobs/x?a=1&b=2';

/** Every text a reader sees: fallback text plus each text object in the blocks. */
function texts(message: SlackMessage | string): string[] {
  if (typeof message === 'string') return [message];
  const found: string[] = [message.text];
  const walk = (value: unknown, key?: string): void => {
    if (typeof value === 'string' && key === 'text') found.push(value);
    else if (Array.isArray(value)) value.forEach((v) => walk(v));
    else if (typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  walk(message.blocks);
  return found;
}

/** Slack control sequences left after removing the renderer's own date tokens and the report link. */
function controlSequences(text: string): string[] {
  const own = text
    .replace(/<!date\^\d+\^\{[a-z_ ]+\}( \{time\})?\|[^<>]*>/g, '')
    .replace(/<https:\/\/rollback\.example\.com\/[^<>|]*\|[^<>|]*>/g, '');
  return own.match(/[<>]|&(?!amp;|lt;|gt;)/g) ?? [];
}

function evilSnapshot(): ProgressSnapshot {
  const snap = snapshot('failed', { reason: EVIL, from: EVIL, to: '<!everyone>' });
  snap.requester.name = '<!here>';
  snap.steps[0]!.title = `Check ${EVIL}`;
  snap.steps[3]!.error = { code: 'x', message: EVIL, hint: EVIL };
  snap.outcome = { summary: EVIL, error: { code: 'x', message: EVIL, hint: EVIL } };
  return snap;
}

describe('user text cannot ping, link or mention', () => {
  const evilPlan = plan({ service: 'kaizen', to: EVIL });
  evilPlan.request.reason = EVIL;
  evilPlan.actions.push({ target: EVIL, description: `echo ${EVIL} \`\`\` done` });
  const rendered: [string, SlackMessage | string][] = [
    ['status message', renderStatusMessage(evilSnapshot(), { reportUrl: REPORT })],
    ['job status', renderJobStatus(evilSnapshot())],
    ['plan', renderPlan(evilPlan)],
    ['error', renderError({ code: 'invalid_version', message: EVIL, hint: EVIL, suggestions: [EVIL] })],
    ['detail', renderDetail({ stepId: 's', at: '2026-11-03T10:42:31.000Z', text: EVIL }, EVIL)],
    ['checklists', renderChecklists([{ id: 'verify', title: EVIL, items: [{ id: 'evil', text: EVIL }] }])],
    ['versions', renderVersions(EVIL, [{ id: EVIL, description: EVIL }])],
  ];

  for (const [name, message] of rendered) {
    it(`escapes &, < and > in the ${name}`, () => {
      const all = texts(message).join('\n');
      expect(controlSequences(all)).toEqual([]);
      expect(all).toContain('&lt;!channel&gt;');
    });
  }

  it("keeps a user's ``` from closing the plan's code block", () => {
    const actions = texts(rendered[2]![1]).find((t) => t.includes('echo'))!;
    expect(actions.match(/```/g)).toHaveLength(2);
  });

  it('escapes & in the report link', () => {
    expect(texts(rendered[0]![1]).join('\n')).toContain(
      '<https://rollback.example.com/jobs/x?a=1&amp;b=2|Open the full report>',
    );
  });
});

describe('Block Kit limits', () => {
  const long = (n: number) => `${'&<>x'.repeat(n / 4)}`;

  function hugeSnapshot(): ProgressSnapshot {
    const snap = snapshot('running', {
      reason: long(10_000),
      from: long(1000),
      to: long(1000),
      service: long(200),
    });
    snap.steps = Array.from({ length: 300 }, (_, i) => ({
      id: `s${i}`,
      title: `Step ${i} ${long(1000)}`,
      state: i < 60 ? ('done' as const) : i === 60 ? ('running' as const) : ('pending' as const),
      summary: long(2000),
      ...(i <= 60 ? { startedAt: '2026-11-03T10:42:10.000Z' } : {}),
      ...(i < 60 ? { endedAt: '2026-11-03T10:42:20.000Z' } : {}),
    }));
    return snap;
  }

  it('keeps a status message with 300 long steps within 50 blocks and the text limits, saying what was left out', () => {
    const message = renderStatusMessage(hugeSnapshot(), { reportUrl: REPORT });
    expect(checkBlocks(message.blocks)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(message.text.length).toBeLessThanOrEqual(3000);
    const all = texts(message).join('\n');
    expect(all).toMatch(/… and \d+ more steps/);
    expect(all).toContain('Running step 61 of 300');
    // Truncation never cuts an entity in half (Slack would show "&am").
    expect(controlSequences(all)).toEqual([]);
  });

  it('keeps a plan with 200 long actions within limits, each code block closed', () => {
    const big = plan({
      steps: Array.from({ length: 100 }, (_, i) => ({ id: `s${i}`, title: `Step ${i} ${long(400)}` })),
      actions: Array.from({ length: 200 }, (_, i) => ({
        target: `host-${i % 3}`,
        description: `run ${i} ${long(600)}`,
      })),
    });
    const message = renderPlan(big);
    expect(checkBlocks(message.blocks)).toEqual([]);
    for (const text of texts(message)) expect((text.match(/```/g) ?? []).length % 2).toBe(0);
    expect(texts(message).join('\n')).toMatch(/… and \d+ more lines/);
  });

  it('keeps long version lists, checklists and errors within limits', () => {
    const versions = Array.from({ length: 500 }, (_, i) => ({ id: `v0.${i}.0`, description: long(400) }));
    const checklist = {
      id: 'long',
      title: long(400),
      items: Array.from({ length: 300 }, (_, i) => ({ id: `item-${i}`, text: long(400) })),
    };
    for (const message of [
      renderVersions('kaizen', versions),
      renderChecklists([checklist, checklist, checklist]),
      renderError({
        code: 'internal',
        message: long(10_000),
        hint: long(10_000),
        suggestions: Array.from({ length: 50 }, () => long(400)),
      }),
      renderJobStatus(hugeSnapshot()),
    ]) {
      expect(checkBlocks(message.blocks)).toEqual([]);
      expect(message.text.length).toBeLessThanOrEqual(3000);
    }
  });
});

describe('rendered messages against the fake Slack', () => {
  it('posts the status message and updates it in place through the real WebClient', async () => {
    const slack = await startFakeSlack();
    try {
      const web = new webApi.WebClient('xoxb-test', {
        slackApiUrl: slack.url,
        logger: quietLogger,
        retryConfig: { retries: 0 },
      });
      const posted = await web.chat.postMessage({
        channel: 'C0DEPLOYS',
        ...renderStatusMessage(hugeRunning()),
      });
      const done = renderStatusMessage(snapshot('succeeded'));
      await web.chat.update({ channel: 'C0DEPLOYS', ts: posted.ts!, ...done });
      await web.chat.postMessage({
        channel: 'C0DEPLOYS',
        thread_ts: posted.ts!,
        ...renderChecklists([
          { id: 'verify', title: 'Verify', items: [{ id: 'alerts', text: 'Alerts are not firing' }] },
        ]),
      });
      const [message] = slack.messages('C0DEPLOYS');
      expect(message).toMatchObject({ text: done.text, blocks: done.blocks, updates: 1 });
      expect(message?.replies).toHaveLength(1);
    } finally {
      await slack.close();
    }
  });
});

function hugeRunning(): ProgressSnapshot {
  const snap = snapshot('running');
  snap.steps = Array.from({ length: 80 }, (_, i) => ({
    id: `s${i}`,
    title: `Step ${i} ${'y'.repeat(500)}`,
    state: 'pending' as const,
  }));
  return snap;
}
