import { describe, expect, it } from 'vitest';
import type { CommandReply } from '../../src/commands/command-reply.js';
import { renderConsoleReply } from '../../src/render/html/console-reply.js';
import { renderCommandReply } from '../../src/render/slack/render-command-reply.js';
import { renderReplyText } from '../../src/render/terminal/render-reply-text.js';
import { plan } from './slack/fixtures.js';

const warning =
  'deployment/kaizen is managed by Argo CD Application <kaizen> (annotation argocd.argoproj.io/tracking-id): with automated sync it puts the version in Git back.';

describe('a plan with warnings shows them under "Watch out" on every surface', () => {
  const reply: CommandReply = { kind: 'plan', plan: plan({ warnings: [warning] }), enqueued: true };

  it('Slack: a section after the facts, escaped', () => {
    const message = renderCommandReply(reply);
    const texts = message.blocks.map((b) => JSON.stringify(b));
    const index = texts.findIndex((t) => t.includes('Watch out'));
    expect(index).toBeGreaterThan(0);
    expect(texts[index]).toContain('Argo CD Application &lt;kaizen&gt;');
    expect(texts.findIndex((t) => t.includes('*Steps*'))).toBeGreaterThan(index);
  });

  it('the console: a list, escaped; the terminal: one line each', () => {
    const html = renderConsoleReply(reply, { name: 'dana', text: '/rollback kaizen' }).value;
    expect(html).toContain('<h3>Watch out</h3>');
    expect(html).toContain('<li>deployment/kaizen is managed by Argo CD Application &lt;kaizen&gt;');
    const text = renderReplyText(reply);
    expect(text).toContain(`Watch out:\n  ! ${warning}\nSteps:`);
  });

  it('a plan without warnings has no such section', () => {
    const plain: CommandReply = { kind: 'plan', plan: plan(), enqueued: true };
    expect(JSON.stringify(renderCommandReply(plain).blocks)).not.toContain('Watch out');
    expect(renderReplyText(plain)).not.toContain('Watch out');
  });
});
