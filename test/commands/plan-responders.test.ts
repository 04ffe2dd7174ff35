import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandHandler } from '../../src/commands/command-handler.js';
import type { CommandReply } from '../../src/commands/command-reply.js';
import { silentLogger } from '../../src/observability/logger.js';
import { renderConsoleReply } from '../../src/render/html/console-reply.js';
import { renderCommandReply } from '../../src/render/slack/render-command-reply.js';
import { renderReplyText } from '../../src/render/terminal/render-reply-text.js';
import { PagerDutyRestClient } from '../../src/targets/pagerduty/pagerduty-rest-client.js';
import { startFakePagerDuty, type FakePagerDuty } from '../support/fake-pagerduty/index.js';
import { ALICE, startRollbackDomain, testService, type RollbackDomain } from '../support/rollback-domain.js';

const SERVICES = [
  testService('kaizen', {
    permissions: { request: { users: [ALICE.id] } },
    pagerduty: { serviceIds: ['PKZ0001'], escalationPolicyId: 'PUS0KTE' },
    contacts: [{ role: 'infra-lead', name: 'Ines Infra', phone: '+49 30 1234567' }],
    links: {
      dashboards: [{ title: 'Kaizen latency', url: 'https://grafana.example.com/d/kaizen' }],
      runbook: 'https://wiki.example.com/kaizen-runbook',
    },
  }),
];

/** Everything a user reads in the plan: the CLI text and the Slack message (fallback and blocks). */
function shown(reply: CommandReply): string {
  return `${renderReplyText(reply)}\n${JSON.stringify(renderCommandReply(reply))}`;
}

/** The console's answer (HTML, escaped). */
function consoleShown(reply: CommandReply): string {
  return renderConsoleReply(reply, { name: 'alice', text: '/rollback status kaizen' }).value;
}

describe('the rollback plan and the service status show who is on call now, the contacts and the links', () => {
  let domain: RollbackDomain;
  let pagerDuty: FakePagerDuty;
  let handler: CommandHandler;
  /** Gives up on PagerDuty after 500 ms, for the tests where it hangs or is down. */
  let hurried: CommandHandler;
  const as = { requester: ALICE, channel: 'C0INCIDENT', channelName: 'incidents' };

  beforeEach(async () => {
    domain = startRollbackDomain(SERVICES);
    pagerDuty = await startFakePagerDuty();
    const tracker = new PagerDutyRestClient({
      token: pagerDuty.token,
      fromEmail: 'rollback-bot@example.com',
      apiUrl: pagerDuty.url,
    });
    // Where PagerDuty answers, the answer must be shown however slow the machine is (the first call also
    // loads the PagerDuty client): these tests wait as long as a test may.
    handler = new CommandHandler(domain.rollbacks, silentLogger(), {
      oncall: { tracker, timeoutMs: 20_000 },
    });
    hurried = new CommandHandler(domain.rollbacks, silentLogger(), { oncall: { tracker, timeoutMs: 500 } });
  });
  afterEach(async () => {
    await pagerDuty.close();
    await domain.close();
  });

  it('names the person on call (from PagerDuty /oncalls), the contacts, dashboards and runbook', async () => {
    const reply = await handler.handle('kaizen --dry-run', as);
    expect(reply.kind).toBe('plan');
    const text = shown(reply);
    expect(renderReplyText(reply)).toContain('On call now:  Priya Primary (level 1, Kaizen primary)');
    expect(text).toContain('*On call now:* Priya Primary (level 1, Kaizen primary)');
    expect(text).toContain('Ines Infra');
    expect(text).toContain('https://grafana.example.com/d/kaizen');
    expect(text).toContain('https://wiki.example.com/kaizen-runbook');
    expect(pagerDuty.callsTo('listOnCalls')).toHaveLength(1);
  });

  it('still shows the plan when PagerDuty hangs or is down, saying on-call is unknown', async () => {
    pagerDuty.failNext('listOnCalls', { kind: 'hang' });
    const hung = await hurried.handle('kaizen --dry-run', as);
    expect(hung.kind).toBe('plan');
    expect(renderReplyText(hung)).toContain('On call now:  on-call unknown (PagerDuty did not answer)');
    expect(shown(hung)).toContain('Ines Infra');

    await pagerDuty.down();
    const down = await hurried.handle('kaizen', as);
    expect(down).toMatchObject({ kind: 'plan', enqueued: true });
    expect(shown(down)).toContain('on-call unknown (PagerDuty did not answer)');
    expect(shown(down)).not.toContain('Priya Primary');
  });

  it('/rollback status <service> shows who is on call now in Slack, the console and the CLI', async () => {
    const reply = await handler.handle('status kaizen', as);
    expect(reply.kind).toBe('notice');
    expect(renderReplyText(reply)).toContain('Not marked rolled back');
    expect(renderReplyText(reply)).toContain('On call now:  Priya Primary (level 1, Kaizen primary)');
    expect(JSON.stringify(renderCommandReply(reply))).toContain(
      '*On call now:* Priya Primary (level 1, Kaizen primary)',
    );
    expect(consoleShown(reply)).toContain('<dt>On call now</dt><dd>Priya Primary (level 1, Kaizen primary)');
    expect(shown(reply)).toContain('Ines Infra');
    expect(consoleShown(reply)).toContain('https://wiki.example.com/kaizen-runbook');
    expect(pagerDuty.callsTo('listOnCalls')).toHaveLength(1);
  });

  it('/rollback status <service> still answers within the 2 s limit when PagerDuty hangs', async () => {
    const limited = new CommandHandler(domain.rollbacks, silentLogger(), {
      oncall: {
        tracker: new PagerDutyRestClient({
          token: pagerDuty.token,
          fromEmail: 'rollback-bot@example.com',
          apiUrl: pagerDuty.url,
        }),
      },
    });
    pagerDuty.failNext('listOnCalls', { kind: 'hang' });
    const reply = await limited.handle('status kaizen', as);
    expect(reply.kind).toBe('notice');
    expect(renderReplyText(reply)).toContain('Not marked rolled back');
    expect(renderReplyText(reply)).toContain('On call now:  on-call unknown (PagerDuty did not answer)');
    expect(consoleShown(reply)).toContain('on-call unknown (PagerDuty did not answer)');
    expect(pagerDuty.callsTo('listOnCalls')).toHaveLength(1);
  });
});
