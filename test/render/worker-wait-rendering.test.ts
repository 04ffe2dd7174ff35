import { describe, expect, it } from 'vitest';
import { consoleHeadline } from '../../src/render/html/console-headline.js';
import { describeProgressText } from '../../src/render/plain-text/describe-progress-text.js';
import { describeProgress } from '../../src/render/slack/describe-progress.js';
import type { ProgressSnapshot } from '../../src/rollback/progress-snapshot.js';
import { initialSnapshot } from '../../src/rollback/snapshot-tracker.js';
import { workerWaitFor, type WorkerWait } from '../../src/rollback/worker-wait.js';
import { testPlan } from '../support/test-plan.js';

const NOW = new Date('2026-03-01T12:00:00Z');

const NO_WORKER = workerWaitFor('eu-1', 'kubernetes', [], NOW);

function queued(wait: WorkerWait | undefined = NO_WORKER): ProgressSnapshot {
  const snapshot = initialSnapshot(testPlan('kaizen-abc-defg', ['rollback', 'monitor']));
  return wait ? { ...snapshot, waitingForWorker: wait } : snapshot;
}

/** A rollback handed back at its second step, in a site whose workers all went away. */
function pausedAt2(): ProgressSnapshot {
  const snapshot = queued();
  return {
    ...snapshot,
    state: 'running',
    steps: [
      { ...snapshot.steps[0]!, state: 'done' },
      { ...snapshot.steps[1]!, state: 'running' },
    ],
  };
}

describe('a rollback waiting for a worker of its site, in every renderer', () => {
  it('queued: says which site has no worker instead of a silent "queued"', () => {
    const line =
      'Queued to roll back kaizen from v0.8.0 to v0.7.0. Waiting for a worker in site eu-1: none is running.';
    expect(describeProgressText(queued())[0]).toBe(line);
    expect(consoleHeadline(queued()).line).toBe(line);
    expect(describeProgress(queued())[0]).toBe(`🕒 ${line}`);
  });

  it('handed back mid-run: says where it stopped and what it waits for', () => {
    const line = 'Paused at step 2 of 2: Step monitor. Waiting for a worker in site eu-1: none is running.';
    expect(describeProgressText(pausedAt2())[0]).toBe(line);
    expect(consoleHeadline(pausedAt2()).line).toBe(line);
    expect(describeProgress(pausedAt2())[0]).toBe(`🕒 ${line}`);
  });

  it('names the strategy when the live workers do not run it', () => {
    const wait = workerWaitFor(
      'eu-1',
      'helm',
      [{ id: 'w', host: 'h', strategies: ['kubernetes', 'apt'] }],
      NOW,
    );
    expect(describeProgressText(queued(wait))[0]).toMatch(
      /Waiting for a worker in site eu-1 that runs the helm strategy \(they run apt, kubernetes\)\.$/,
    );
  });

  it('says plain "queued" once a worker can take it', () => {
    expect(
      workerWaitFor('eu-1', 'kubernetes', [{ id: 'w', host: 'h', strategies: ['kubernetes'] }], NOW),
    ).toBeUndefined();
    expect(describeProgressText(initialSnapshot(testPlan('kaizen-abc-defg', ['rollback'])))[0]).toBe(
      'Queued: waiting for a worker to roll back kaizen from v0.8.0 to v0.7.0.',
    );
  });
});
