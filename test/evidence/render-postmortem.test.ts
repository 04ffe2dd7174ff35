import { describe, expect, it } from 'vitest';
import { diffBundles } from '../../src/evidence/diff/diff-bundles.js';
import { renderPostmortem } from '../../src/evidence/postmortem/render-postmortem.js';
import type { PostmortemInput } from '../../src/evidence/postmortem/postmortem-input.js';
import { craftBundle } from '../support/crafted-bundles.js';
import { BASELINE, BROKEN, POST_ROLLBACK, hostEvidence } from '../support/evidence-scenario.js';
import { PLANTED_PRIVATE_KEY, PLANTED_SECRETS, SECRETS } from '../support/planted-secrets.js';

async function input(): Promise<PostmortemInput> {
  const base = await craftBundle({
    label: 'pre-deploy',
    takenAt: '2025-11-22T01:00:05Z',
    files: hostEvidence(BASELINE),
  });
  const broken = await craftBundle({
    label: 'broken',
    takenAt: '2025-11-22T01:40:10Z',
    files: hostEvidence(BROKEN),
  });
  const after = await craftBundle({
    label: 'post-rollback',
    takenAt: '2025-11-22T02:10:40Z',
    files: hostEvidence(POST_ROLLBACK),
  });
  return {
    service: 'kaizen',
    environment: 'production',
    jobId: 'kaizen-mbx1k2-7f3q',
    outcome: 'succeeded',
    requestedBy: 'alice',
    reason: `5xx after v0.8.0 | see https://ops:${SECRETS.urlPassword}@grafana.example.com/d/1`,
    versions: { from: 'v0.8.0', to: 'v0.7.0' },
    timeline: [
      { at: '2025-11-22T01:41:00Z', what: 'rollback requested', who: 'alice' },
      { at: new Date('2025-11-22T01:39:30Z'), what: 'alert: 5xx rate above 5%', who: 'PagerDuty' },
      { at: '2025-11-22T01:42:00Z', what: `approved (token ${SECRETS.slackBot})`, who: 'bob' },
      { at: '2025-11-22T02:10:00Z', what: 'verified: health 200', who: 'rollback-bot' },
    ],
    bundles: [
      {
        label: 'pre-deploy',
        takenAt: '2025-11-22T01:00:05Z',
        target: 'host web-1 (kaizen.service)',
        id: 'kaizen/a',
      },
      {
        label: 'broken',
        takenAt: '2025-11-22T01:40:10Z',
        target: 'host web-1 (kaizen.service)',
        failed: ['hardening failed: timed out after 30 s'],
      },
      {
        label: 'post-rollback',
        takenAt: '2025-11-22T02:10:40Z',
        url: 'https://bot.example.com/rollbacks/kaizen-mbx1k2-7f3q/evidence/3',
      },
    ],
    diffs: [diffBundles(base.bundle, broken.bundle).summary, diffBundles(base.bundle, after.bundle).summary],
    checklists: [
      {
        title: 'Verification',
        items: [
          {
            text: 'Pods healthy',
            checked: true,
            by: 'rollback-bot',
            at: '2025-11-22T02:10:00Z',
            evidence: '3/3 pods ready',
          },
          { text: 'Restart counts back to baseline', checked: true, by: 'carol', at: '2025-11-22T02:20:00Z' },
          { text: 'Customer impact assessed', checked: false },
        ],
      },
      { title: 'Post-mortem', items: [{ text: `Rotate DB_PASSWORD=${SECRETS.dbPassword}`, checked: false }] },
    ],
    notifications: [
      { target: 'Slack #incident-kaizen', status: 'sent', at: '2025-11-22T02:10:05Z' },
      {
        target: 'PagerDuty incident P123',
        status: 'failed',
        detail: `401 with Authorization: Bearer ${SECRETS.bearer}\n${PLANTED_PRIVATE_KEY}`,
      },
    ],
    generatedAt: new Date('2025-11-22T02:15:00Z'),
  };
}

describe('renderPostmortem', () => {
  it('drafts every section, with the timeline in order and empty root cause and follow-up', async () => {
    const draft = renderPostmortem(await input());
    const headings = draft.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# Post-mortem draft: kaizen rollback (production)',
      '## Timeline',
      '## Versions',
      '## Evidence',
      '## Checklists',
      '### Verification',
      '### Post-mortem',
      '## Notifications',
      '## Root cause',
      '## Follow-up ticket',
    ]);
    expect(draft).toContain('| Rolled back | v0.8.0 → v0.7.0 |');
    const timeline = draft.split('## Timeline')[1]!.split('## Versions')[0]!;
    expect(timeline.indexOf('alert: 5xx rate')).toBeLessThan(timeline.indexOf('rollback requested'));
    expect(timeline).toContain('| 2025-11-22T01:39:30Z | alert: 5xx rate above 5% | PagerDuty |');
    expect(draft).toContain('- **post-rollback vs baseline**: matches');
    expect(draft).toMatch(/- \*\*broken vs baseline\*\*: differs: 2 new error lines, NRestarts 0 → 3, /);
    expect(draft).toContain(
      '- [x] Pods healthy (ticked by rollback-bot at 2025-11-22T02:10:00Z): 3/3 pods ready',
    );
    expect(draft).toContain('- [ ] Customer impact assessed');
    expect(draft).toContain(
      '| broken | 2025-11-22T01:40:10Z | host web-1 (kaizen.service) |   | hardening failed: timed out after 30 s |',
    );
    expect(draft).toMatch(/## Root cause\n\n_To be written._\n\n## Follow-up ticket\n\n_To be filed/);
    // A pipe in user text cannot break the table.
    expect(draft).toContain(
      '| Reason | 5xx after v0.8.0 \\| see https://ops:[redacted]@grafana.example.com/d/1 |',
    );
  });

  it('lets no planted secret into the draft', async () => {
    const draft = renderPostmortem(await input());
    for (const secret of PLANTED_SECRETS) expect(draft).not.toContain(secret);
    expect(draft).toContain(
      '| PagerDuty incident P123 | failed |   | 401 with Authorization: [redacted] -----BEGIN RSA PRIVATE KEY----- [redacted] -----END RSA PRIVATE KEY----- |',
    );
  });
});
