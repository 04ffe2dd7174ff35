import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors/error-codes.js';
import { renderConsolePage } from '../../src/render/html/console-page.js';
import { renderConsoleReply } from '../../src/render/html/console-reply.js';
import { renderConsoleStatusCard } from '../../src/render/html/console-status-card.js';
import type { RollbackPlan } from '../../src/rollback/plan.js';
import type { ProgressSnapshot } from '../../src/rollback/progress-snapshot.js';

const SCRIPT = '<script>alert(1)</script>';
const ATTR = '"><img src=x onerror=alert(2)>';
const QUOTE = "' onmouseover='alert(3)";
const HOSTILE = `${SCRIPT}${ATTR}${QUOTE}`;

/** Markup a hostile text could inject if it were not escaped. */
function expectInert(markup: string): void {
  expect(markup).not.toContain('<script');
  expect(markup).not.toContain('<img');
  // Escaped text has no raw "<" or '"', so every tag found is the renderer's own and every quoted value ends
  // where the renderer ended it: outside the values, no tag may carry an event handler.
  const tags = (markup.match(/<[a-zA-Z][^>]*>/g) ?? []).map((tag) => tag.replace(/"[^"]*"/g, '""'));
  expect(tags.filter((tag) => /\son[a-z]+=/i.test(tag))).toEqual([]);
  expect(markup).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(markup).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
  expect(markup).toContain('&#39; onmouseover=&#39;alert(3)');
}

function hostileSnapshot(state: ProgressSnapshot['state']): ProgressSnapshot {
  const t = '2026-11-22T03:00:00.000Z';
  return {
    version: 7,
    jobId: 'demo-abc-1234',
    service: 'demo',
    environment: HOSTILE,
    strategy: 'git',
    requester: { id: 'console:x', name: HOSTILE, source: 'console' },
    reason: HOSTILE,
    dryRun: false,
    from: HOSTILE,
    to: HOSTILE,
    state,
    steps: [
      { id: 'checkout', title: HOSTILE, state: 'done', startedAt: t, endedAt: t, summary: HOSTILE },
      {
        id: 'verify',
        title: 'Verify',
        state: state === 'failed' ? 'failed' : 'running',
        startedAt: t,
        error: { code: 'x', message: HOSTILE, hint: HOSTILE },
      },
    ],
    details: [{ stepId: 'checkout', at: t, text: `${HOSTILE}\n${HOSTILE}` }],
    checklists: [{ title: HOSTILE, items: [{ text: HOSTILE }, { text: HOSTILE, done: true }] }],
    outcome: { summary: HOSTILE, error: { code: 'x', message: HOSTILE, hint: HOSTILE } },
    approval: { required: 2, approvals: [{ id: 'u', name: HOSTILE, at: t }], expiresAt: t, state: 'pending' },
    cancelRequested: { by: { id: 'u', name: HOSTILE }, at: t },
    createdAt: t,
    startedAt: t,
    ...(state === 'failed' ? { endedAt: t } : {}),
  } as ProgressSnapshot;
}

describe('console fragments escape hostile text', () => {
  it('in the status card, its steps, thread and checklists, whatever the state', () => {
    for (const state of ['awaiting_approval', 'running', 'failed'] as const) {
      const card = renderConsoleStatusCard(hostileSnapshot(state), {
        canApprove: true,
        reportUrl: `/rollbacks/${ATTR}`,
      }).value;
      expectInert(card);
    }
    const failed = renderConsoleStatusCard(hostileSnapshot('failed'), { canApprove: true }).value;
    expect(failed).toContain('class="checklist"');
  });

  it('does not link a report URL with another scheme', () => {
    const card = renderConsoleStatusCard(hostileSnapshot('running'), {
      canApprove: false,
      reportUrl: 'javascript:alert(1)',
    }).value;
    expect(card).not.toContain('javascript:');
  });

  it('in plans, errors, versions (including the click-to-fill attribute) and status lists', () => {
    const plan: RollbackPlan = {
      jobId: 'demo-abc-1234',
      request: {
        service: 'demo',
        dryRun: true,
        reason: HOSTILE,
        requester: { id: 'x', name: HOSTILE, source: 'console' },
      },
      service: 'demo',
      environment: HOSTILE,
      strategy: 'git',
      from: HOSTILE,
      to: HOSTILE,
      target: {},
      steps: [{ id: 's', title: HOSTILE }],
      actions: [{ target: HOSTILE, description: HOSTILE }],
      createdAt: '2026-11-22T03:00:00.000Z',
    };
    const typed = { name: HOSTILE, text: HOSTILE };
    expectInert(renderConsoleReply({ kind: 'plan', plan, enqueued: false }, typed).value);
    expectInert(
      renderConsoleReply(
        {
          kind: 'error',
          // A code is a known word, but the renderer must not trust that: escaped like any text.
          error: { code: HOSTILE as ErrorCode, message: HOSTILE, hint: HOSTILE, suggestions: [HOSTILE] },
        },
        typed,
      ).value,
    );
    expectInert(
      renderConsoleReply(
        {
          kind: 'versions',
          service: HOSTILE,
          entries: [{ id: HOSTILE, description: HOSTILE, current: true }],
        },
        typed,
      ).value,
    );
    expectInert(
      renderConsoleReply({ kind: 'recent', title: HOSTILE, snapshots: [hostileSnapshot('running')] }, typed)
        .value,
    );
    expectInert(renderConsoleReply({ kind: 'notice', text: HOSTILE }, typed).value);
  });

  it('in the page: service descriptions and the channel name', () => {
    const page = renderConsolePage({
      cards: [renderConsoleStatusCard(hostileSnapshot('running'), { canApprove: false })],
      services: [{ name: 'demo', environment: HOSTILE, strategy: 'git', description: HOSTILE }],
      channel: HOSTILE,
    }).value;
    expect(page.match(/<script/g)).toHaveLength(1); // only the console's own script tag
    expect(page).toContain('<script src="/console/assets/console.js" defer></script>');
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
