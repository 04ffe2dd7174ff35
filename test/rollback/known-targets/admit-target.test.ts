import { describe, expect, it } from 'vitest';
import { admitTarget } from '../../../src/rollback/admit-target.js';
import type { RollbackRequest } from '../../../src/rollback/plan.js';
import type { ResolvedPlan } from '../../../src/rollback/strategy.js';

const request = (extra: Partial<RollbackRequest> = {}): RollbackRequest => ({
  service: 'billing',
  dryRun: false,
  requester: { id: 'U1', name: 'alice', source: 'slack' },
  ...extra,
});

const resolved = (extra: Partial<ResolvedPlan>): ResolvedPlan => ({
  from: 'revision 7 (billing-1.4.0, app v1.4.0)',
  to: 'revision 9 (billing-1.5.0, app v1.5.0)',
  target: {},
  actions: [],
  ...extra,
});

describe('the rule every strategy shares (Helm release history, host packages, git tags)', () => {
  it('refuses a Helm revision whose app version is newer than the current one, naming --forward', () => {
    const plan = resolved({ knownFrom: 'history', versions: { from: 'v1.4.0', to: 'v1.5.0' } });
    expect(() => admitTarget('billing', plan, request({ toRevision: 9 }))).toThrow(
      'v1.5.0 is newer than the current v1.4.0: that is a roll forward, not a rollback.',
    );
    try {
      admitTarget('billing', plan, request({ toRevision: 9 }));
    } catch (error) {
      expect(error).toMatchObject({
        code: 'forward_needs_flag',
        next: [
          { command: 'versions', args: ['billing'] },
          { command: 'rollback', args: ['billing', 'revision:9', '--forward'] },
        ],
      });
    }
    expect(admitTarget('billing', plan, request({ toRevision: 9, forward: true }))).toEqual({
      exceptions: ['forward'],
      marks: ['FORWARD: v1.5.0 is newer than the current v1.4.0 (--forward)'],
    });
  });

  it('lets older versions, the same release and versions without numbers through unmarked', () => {
    for (const versions of [
      { from: '2.4.1-1', to: '2.3.9-2' },
      { from: 'v1.2', to: '1.2.0' },
      { from: 'latest', to: 'v0.7.0' },
      { from: '0a1b2c3', to: 'v0.9.0' },
      { to: 'v9.9.9' },
    ]) {
      expect(admitTarget('billing', resolved({ versions }), request())).toEqual({
        exceptions: [],
        marks: [],
      });
    }
  });

  it('needs both flags for a newer version known only from the registry, and marks both', () => {
    const plan = resolved({
      to: 'v2.0.0',
      knownFrom: 'registry',
      versions: { from: 'v1.4.0', to: 'v2.0.0' },
    });
    expect(() => admitTarget('billing', plan, request({ version: 'v2.0.0', forward: true }))).toThrow(
      /never ran in billing/,
    );
    expect(() => admitTarget('billing', plan, request({ version: 'v2.0.0', allowUnlisted: true }))).toThrow(
      /roll forward/,
    );
    expect(
      admitTarget('billing', plan, request({ version: 'v2.0.0', allowUnlisted: true, forward: true }))
        .exceptions,
    ).toEqual(['unlisted', 'forward']);
  });
});
