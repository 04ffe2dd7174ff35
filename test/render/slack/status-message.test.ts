import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ProgressSnapshot } from '../../../src/rollback/progress-snapshot.js';
import { renderJobStatus, renderStatusMessage } from '../../../src/render/slack/index.js';
import { expectGolden } from '../../support/expect-golden.js';
import { checkBlocks } from '../../support/fake-slack/index.js';
import { snapshot } from './fixtures.js';

const golden = (name: string) => fileURLToPath(new URL(`./golden/${name}.json`, import.meta.url));
const REPORT = 'https://rollback.example.com/jobs/rb-kaizen-20261103-104200';
/** All text a reader sees in a message: fallback and every block's text. */
const visible = (message: { text: string; blocks: unknown[] }) =>
  `${message.text}\n${JSON.stringify(message.blocks)}`;

const STATES: ProgressSnapshot['state'][] = [
  'awaiting_approval',
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
];

describe('renderStatusMessage', () => {
  for (const state of STATES) {
    it(`draws a ${state} rollback as its golden file, within Block Kit limits`, () => {
      const message = renderStatusMessage(snapshot(state), { reportUrl: REPORT });
      expect(checkBlocks(message.blocks)).toEqual([]);
      expectGolden(golden(`status-${state}`), message);
    });
  }

  it('draws a finished dry run as its golden file, marked as changing nothing', () => {
    const message = renderStatusMessage(snapshot('succeeded', { dryRun: true }));
    expectGolden(golden('status-dry-run-succeeded'), message);
    expect(message.text).toContain('DRY RUN');
    expect(visible(message)).toContain('nothing will change');
    expect(visible(message)).toContain('Dry run finished in 42 s: nothing changed.');
    expect(visible(message)).not.toContain('Rolled back kaizen');
  });

  it('says who rolled back what, from which version to which, how, and the job id', () => {
    const text = visible(renderStatusMessage(snapshot('running')));
    for (const fact of [
      'Rollback of kaizen (production)',
      'v0.8.0 → v0.7.0',
      'alice',
      'kubernetes',
      'rb-kaizen-20261103-104200',
      'Error rate at 12%',
    ]) {
      expect(text).toContain(fact);
    }
  });

  it('shows each step with its state icon, time and summary', () => {
    const message = renderStatusMessage(snapshot('running'));
    const text = visible(message);
    expect(text).toContain('✅ *Pre-rollback checks* · 6 s · 3/3 pods ready, /health 200');
    expect(text).toContain(
      '🔄 *Wait for the rollout* · since <!date^1793702551^{time_secs}|10:42:31 UTC> · 1/3 pods updated',
    );
    expect(text).toContain('⏳ *Check /health*');
    expect(text).toContain('Running step 4 of 6: Wait for the rollout.');
  });

  it('ends with the outcome: success with its duration, or the failing step, why, and what to do', () => {
    const succeeded = renderStatusMessage(snapshot('succeeded'));
    expect(succeeded.text).toContain('Rolled back kaizen from v0.8.0 to v0.7.0 in 42 s.');
    expect(visible(succeeded)).toContain('⏭️ *Run smoke tests* · no smoke test configured');

    const failed = visible(renderStatusMessage(snapshot('failed')));
    expect(failed).toContain('💡 Check events with `kubectl describe deployment kaizen`');
    expect(failed).toContain('❌ Failed at step Wait for the rollout after 5 min 30 s: Deployment');
    expect(visible(renderStatusMessage(snapshot('cancelled')))).toContain(
      '⛔ Cancelled at step Back up the Deployment after 20 s.',
    );
  });

  it('links the report page only when given an http(s) URL', () => {
    expect(visible(renderStatusMessage(snapshot('succeeded'), { reportUrl: REPORT }))).toContain(
      `<${REPORT}|Open the full report>`,
    );
    expect(visible(renderStatusMessage(snapshot('succeeded')))).not.toContain('Open the full report');
    expect(
      visible(renderStatusMessage(snapshot('succeeded'), { reportUrl: 'javascript:alert(1)' })),
    ).not.toContain('javascript');
  });

  it('is idempotent: the same snapshot always gives the same message', () => {
    const snap = snapshot('running');
    const copy = structuredClone(snap);
    expect(renderStatusMessage(snap, { reportUrl: REPORT })).toEqual(
      renderStatusMessage(copy, { reportUrl: REPORT }),
    );
    expect(snap).toEqual(copy);
  });
});

describe('renderJobStatus', () => {
  it('answers /rollback status in a few lines, as its golden file', () => {
    const message = renderJobStatus(snapshot('running'));
    expectGolden(golden('job-status-running'), message);
    expect(message.blocks.length).toBeLessThanOrEqual(2);
    expect(message.text).toBe(
      'Rollback of kaizen (production), v0.8.0 → v0.7.0: 🔄 Running step 4 of 6: Wait for the rollout.',
    );
    expect(visible(message)).toContain('3/6 steps done');
  });

  it('tells a failure and its hint', () => {
    const message = renderJobStatus(snapshot('failed'));
    expectGolden(golden('job-status-failed'), message);
    expect(visible(message)).toContain('Failed at step Wait for the rollout after 5 min 30 s');
    expect(visible(message)).toContain('💡');
  });
});
