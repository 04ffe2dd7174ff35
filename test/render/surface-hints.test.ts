import { describe, expect, it } from 'vitest';
import type { CommandReply, ReplyError } from '../../src/commands/command-reply.js';
import { renderConsoleReply } from '../../src/render/html/console-reply.js';
import { renderCommandReply } from '../../src/render/slack/render-command-reply.js';
import { renderReplyText } from '../../src/render/terminal/render-reply-text.js';
import { plan } from './slack/fixtures.js';

/** What a person reads on each surface for one neutral reply. */
function surfaces(reply: CommandReply): { slack: string; console: string; cli: string } {
  const slack = renderCommandReply(reply);
  return {
    slack: `${slack.text}\n${JSON.stringify(slack.blocks)}`,
    console: renderConsoleReply(reply, { name: 'dana', text: '/rollback kaizen' }).value,
    cli: renderReplyText(reply),
  };
}

const inProgress: ReplyError = {
  code: 'rollback_in_progress',
  message: 'A rollback of kaizen is already in progress by alice to v0.7.0 (running): job kaizen-1.',
  hint: 'Wait for it to end (its status shows where it stands), or cancel it before starting another.',
  next: [
    { command: 'status', args: ['kaizen-1'] },
    { command: 'cancel', args: ['kaizen-1'] },
  ],
};

describe('hints fit the surface they are read on', () => {
  it('a suggested command is written /rollback ... in Slack and the console, rollback-bot ... in the CLI', () => {
    const { slack, console, cli } = surfaces({ kind: 'error', error: inProgress });
    expect(slack).toContain('Try: `/rollback status kaizen-1` or `/rollback cancel kaizen-1`');
    expect(console).toContain('data-fill="/rollback status kaizen-1"');
    expect(console).toContain('data-fill="/rollback cancel kaizen-1"');
    expect(cli).toContain('  Try: rollback-bot status kaizen-1\n       rollback-bot cancel kaizen-1');
    expect(cli).not.toContain('/rollback');
  });

  it('the usage line of a mistyped command is in each surface’s syntax', () => {
    const error: ReplyError = {
      code: 'missing_argument',
      message: 'Which job? cancel needs a job id.',
      usage: 'cancel',
    };
    const { slack, console, cli } = surfaces({ kind: 'error', error });
    expect(slack).toContain('Usage: `/rollback cancel &lt;job-id&gt;`');
    expect(console).toContain('Usage: <code>/rollback cancel &lt;job-id&gt;</code>');
    expect(cli).toContain('  Usage: rollback-bot cancel <job-id>');
  });

  it('a chat-only command is named with where to type it in the CLI', () => {
    const reply: CommandReply = {
      kind: 'notice',
      text: 'kaizen (production)\n🔒 Marked rolled back.',
      next: [{ command: 'release', args: ['kaizen', '--reason', 'the cause is fixed'] }],
    };
    const { slack, cli } = surfaces(reply);
    expect(slack).toContain('Try: `/rollback release kaizen --reason \\"the cause is fixed\\"`');
    expect(cli).toContain(
      'Try: /rollback release kaizen --reason "the cause is fixed" (in Slack or the web console)',
    );
  });

  it('"did you mean" is said once, from the suggestions', () => {
    const error: ReplyError = {
      code: 'unknown_service',
      message: 'Unknown service "dmeo".',
      hint: 'Known services: demo.',
      suggestions: ['demo'],
    };
    for (const text of Object.values(surfaces({ kind: 'error', error }))) {
      expect(text.match(/Did you mean/g)).toHaveLength(1);
    }
  });

  it('a dry run says nothing was queued and offers no status command for its id', () => {
    const reply: CommandReply = { kind: 'plan', plan: plan({}, true), enqueued: false };
    for (const text of Object.values(surfaces(reply))) {
      expect(text).toMatch(/Dry run: nothing was queued\./);
      expect(text).not.toMatch(/status rb-kaizen|rb-kaizen-20261103-104200/);
    }
  });

  it('a queued plan says how to follow it, unless the CLI already follows it', () => {
    const reply: CommandReply = { kind: 'plan', plan: plan(), enqueued: true };
    expect(surfaces(reply).cli).toContain(
      'Queued. See where it stands: rollback-bot status rb-kaizen-20261103-104200',
    );
    const following = renderReplyText(reply, { following: true });
    expect(following).toContain('Queued. Following it (Ctrl-C stops following, not the rollback):');
    expect(following).not.toMatch(/status rb-kaizen|Follow it with/);
  });
});
