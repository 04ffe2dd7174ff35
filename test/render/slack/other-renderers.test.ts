import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  renderChecklists,
  renderDetail,
  renderError,
  renderHelp,
  renderPlan,
  renderVersions,
} from '../../../src/render/slack/index.js';
import { serviceSchema } from '../../../src/config/service-schema.js';
import { postMortemChecklist } from '../../../src/rollback/checklists.js';
import { verificationChecklist } from '../../../src/rollback/verification-checklist.js';
import { kaizenService } from '../../support/kaizen-service.js';
import { expectGolden } from '../../support/expect-golden.js';
import { checkBlocks } from '../../support/fake-slack/index.js';
import { plan } from './fixtures.js';

const golden = (name: string, ext = 'json') =>
  fileURLToPath(new URL(`./golden/${name}.${ext}`, import.meta.url));
const visible = (message: { text: string; blocks: unknown[] }) =>
  `${message.text}\n${JSON.stringify(message.blocks)}`;

describe('renderPlan', () => {
  it('shows what will change, exactly, before it runs', () => {
    const message = renderPlan(plan(), {
      reportUrl: 'https://rollback.example.com/jobs/rb-kaizen-20261103-104200',
    });
    expect(checkBlocks(message.blocks)).toEqual([]);
    expectGolden(golden('plan'), message);
    const text = visible(message);
    for (const fact of [
      'kaizen',
      'production',
      'v0.8.0 (revision 5)',
      'v0.7.0 (revision 3)',
      'kubernetes',
      'rb-kaizen-20261103-104200',
    ]) {
      expect(text).toContain(fact);
    }
    expect(text).toContain(
      '```\\n# cluster prod-eu/kaizen\\nkubectl get deployment kaizen -o yaml &gt; backup-deployment',
    );
    expect(text).toContain('1. Pre-rollback checks');
    expect(text).not.toContain('nothing will change');
  });

  it('says a dry run changes nothing', () => {
    const message = renderPlan(plan({}, true));
    expectGolden(golden('plan-dry-run'), message);
    expect(visible(message)).toContain('Dry run: nothing will change.');
    // A dry run is never queued: no job id to look up, no status command that would answer "no rollback".
    expect(visible(message)).toContain('Dry run: nothing was queued.');
    expect(visible(message)).not.toContain('/rollback status');
    expect(visible(message)).not.toContain('rb-kaizen-20261103-104200');
    expect(message.text).toMatch(/^Dry run: would roll back kaizen \(production\) from v0.8.0/);
  });
});

describe('renderError', () => {
  it('says what was wrong, what is valid, and suggests close matches', () => {
    const message = renderError({
      code: 'unknown_service',
      message: 'There is no service called "kaizn".',
      hint: 'Services you can roll back: kaizen, kaizen-worker, billing.',
      suggestions: ['kaizen', 'kaizen-worker'],
    });
    expect(checkBlocks(message.blocks)).toEqual([]);
    expectGolden(golden('error-unknown-service'), message);
    expect(visible(message)).toContain('Did you mean `kaizen`, `kaizen-worker`?');
    expect(message.text).toBe('❌ There is no service called "kaizn".');
  });

  it('writes the usage line and the commands to try in /rollback syntax', () => {
    const message = renderError({
      code: 'rollback_in_progress',
      message: 'A rollback of kaizen is already in progress by alice to v0.7.0 (running): job rb-1.',
      hint: 'Wait for it to end (its status shows where it stands), or cancel it before starting another.',
      usage: 'rollback',
      next: [
        { command: 'status', args: ['rb-1'] },
        { command: 'cancel', args: ['rb-1'] },
      ],
    });
    expect(checkBlocks(message.blocks)).toEqual([]);
    expectGolden(golden('error-in-progress'), message);
    expect(visible(message)).toContain('Try: `/rollback status rb-1` or `/rollback cancel rb-1`');
    expect(visible(message)).toContain('Usage: `/rollback &lt;service&gt; [version|previous|revision:N]');
  });

  it('leaves out the hint and suggestions when there are none', () => {
    const message = renderError({
      code: 'rollback_in_progress',
      message: 'kaizen is already being rolled back.',
    });
    expect(message.blocks).toHaveLength(2);
    expect(visible(message)).not.toContain('Did you mean');
  });
});

describe('renderDetail', () => {
  it("posts a step's output in a code block, escaped, with its time", () => {
    const reply = renderDetail(
      {
        stepId: 'rollout',
        at: '2026-11-03T10:42:31.000Z',
        text: 'deployment "kaizen" successfully rolled out\n<none> & done\n',
      },
      'Wait for the rollout',
    );
    expectGolden(golden('detail', 'txt'), `${reply}\n`);
    expect(reply).toBe(
      '*Wait for the rollout* · <!date^1793702551^{time_secs}|10:42:31 UTC>\n```\ndeployment "kaizen" successfully rolled out\n&lt;none&gt; &amp; done\n```',
    );
  });

  it('keeps the end of long output and says how much was left out', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i + 1}: waiting for pods`).join('\n');
    const reply = renderDetail(
      { stepId: 'rollout', at: '2026-11-03T10:42:31.000Z', text: lines },
      'Wait for the rollout',
    );
    expect(reply.length).toBeLessThan(4000);
    expect(reply).toContain('line 400: waiting for pods\n```');
    expect(reply).toMatch(/… \(\d+ earlier characters left out\)/);
    expect(reply).not.toContain('line 1: waiting');
  });
});

describe('renderChecklists', () => {
  it("lists each checklist with the service's commands as code, and no counter of boxes nobody can tick", () => {
    const kaizen = serviceSchema.parse(kaizenService());
    const checklists = [
      verificationChecklist(kaizen, { strategy: 'kubernetes', to: 'v0.7.0', jobId: 'rb-kaizen-1' }),
      postMortemChecklist(kaizen, 'kubernetes'),
    ];
    checklists[0]!.items[1]!.done = true;
    const message = renderChecklists(checklists);
    expect(checkBlocks(message.blocks)).toEqual([]);
    expectGolden(golden('checklists'), message);
    expect(visible(message)).not.toMatch(/\d+\/\d+ done/);
    expect(visible(message)).toContain(
      '⬜ All pods are running and healthy: `kubectl rollout status deployment/kaizen -n default`',
    );
    expect(visible(message)).toContain('✅ No error logs in pod output');
    expect(visible(message)).toContain('⬜ Schedule the post-mortem');
  });
});

describe('renderVersions', () => {
  it('lists the versions to type, marking the current one', () => {
    const message = renderVersions('kaizen', [
      { id: 'v0.8.0', description: 'revision 5: kaizen:v0.8.0, 1 hour ago', current: true },
      { id: 'v0.7.0', description: 'revision 3: kaizen:v0.7.0, 2 days ago' },
      { id: 'revision:2', description: 'revision 2: kaizen:v0.6.1, 9 days ago' },
    ]);
    expect(checkBlocks(message.blocks)).toEqual([]);
    expectGolden(golden('versions'), message);
    expect(visible(message)).toContain('`v0.8.0` — revision 5: kaizen:v0.8.0, 1 hour ago ← *current*');
    expect(message.text).toBe('Versions of kaizen: v0.8.0, v0.7.0, revision:2');
  });

  it('says so when there is nothing to go back to', () => {
    expect(renderVersions('kaizen', []).text).toBe('No versions of kaizen to roll back to.');
  });
});

describe('renderHelp', () => {
  it('shows the whole command grammar', () => {
    const message = renderHelp();
    expect(checkBlocks(message.blocks)).toEqual([]);
    expectGolden(golden('help'), message);
    const text = visible(message);
    for (const form of [
      '&lt;service&gt; &lt;version&gt;',
      '[previous]',
      '--to-revision N',
      'revision:N',
      '--strategy',
      '--dry-run',
      '--reason',
      'status [job-id]',
      'versions &lt;service&gt;',
      '/rollback help',
    ]) {
      expect(text).toContain(form);
    }
  });
});

describe("renderHelp with the parser's own grammar", () => {
  it('shows the given grammar, escaped, instead of the built-in one', () => {
    const message = renderHelp('Usage: /rollback <service> [version]\n  /rollback cancel <job-id>');
    expect(checkBlocks(message.blocks)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('/rollback cancel &lt;job-id&gt;');
    expect(JSON.stringify(message.blocks)).not.toContain('--to-revision');
  });
});
