import { describe, expect, it } from 'vitest';
import { renderProgressFrame } from '../../src/render/terminal/render-progress-frame.js';
import { renderProgressLines } from '../../src/render/terminal/render-progress-lines.js';
import { renderErrorText } from '../../src/render/terminal/render-reply-text.js';
import type { ProgressSnapshot } from '../../src/rollback/progress-snapshot.js';

function running(): ProgressSnapshot {
  return {
    version: 4,
    jobId: 'kaizen-m1-abcd',
    service: 'kaizen',
    environment: 'production',
    strategy: 'kubernetes',
    requester: { id: 'alice', name: 'alice', source: 'cli' },
    dryRun: false,
    from: 'v0.8.0',
    to: 'v0.7.0',
    state: 'running',
    steps: [
      {
        id: 'identify',
        title: 'Identify',
        state: 'done',
        startedAt: '2026-03-01T14:00:00.000Z',
        endedAt: '2026-03-01T14:00:02.000Z',
        summary: 'v0.8.0 → v0.7.0',
      },
      { id: 'rollback', title: 'Perform rollback', state: 'running', startedAt: '2026-03-01T14:00:02.000Z' },
      { id: 'monitor', title: 'Monitor rollout', state: 'pending' },
      { id: 'verify', title: 'Verify', state: 'pending' },
    ],
    details: [
      {
        stepId: 'identify',
        at: '2026-03-01T14:00:01.000Z',
        text: 'pod log: \u001b]0;pwned\u0007\u001b[2Jgone',
      },
    ],
    checklists: [],
    createdAt: '2026-03-01T13:59:59.000Z',
    startedAt: '2026-03-01T14:00:00.000Z',
  };
}

describe('terminal renderers', () => {
  it('the live frame has a progress bar, the elapsed time and one line per step', () => {
    const frame = renderProgressFrame(running(), new Date('2026-03-01T14:01:05.000Z'));
    expect(frame).toContain('Rollback of kaizen (production): v0.8.0 → v0.7.0');
    expect(frame).toMatch(/\[█{6}░{18}\] 1\/4 steps · 1:05 elapsed · running/);
    expect(frame).toContain('✔ Identify · 2 s · v0.8.0 → v0.7.0');
    expect(frame).toContain('▶ Perform rollback · running 1:03');
    expect(frame).toContain('· Monitor rollout');
    expect(frame).toContain('Running step 2 of 4: Perform rollback.');
  });

  it('escape sequences from outside text cannot reach the terminal', () => {
    const lines = renderProgressLines(undefined, running()).join('\n');
    expect(lines).toContain('detail Identify:');
    expect(lines).toContain('pod log: ?]0;pwned??[2Jgone');
    expect(lines.includes('\u001b') || lines.includes('\u0007')).toBe(false);
    expect(renderErrorText({ code: 'internal', message: 'bad \u001b[31mred' })).not.toContain('\u001b');
  });

  it('plain lines say only what changed since the previous snapshot', () => {
    const before = running();
    const after: ProgressSnapshot = structuredClone(before);
    after.version = 5;
    after.steps[1] = {
      ...after.steps[1]!,
      state: 'done',
      endedAt: '2026-03-01T14:00:05.000Z',
      summary: 'image set',
    };
    after.steps[2] = { ...after.steps[2]!, state: 'running', startedAt: '2026-03-01T14:00:05.000Z' };
    expect(renderProgressLines(before, after)).toEqual([
      '14:00:05 done step 2/4 Perform rollback · 3 s · image set',
      '14:00:05 started step 3/4 Monitor rollout',
    ]);
  });
});
