import { describe, expect, it } from 'vitest';
import { serviceSchema } from '../../../src/config/service-schema.js';
import type { RollbackPlan } from '../../../src/rollback/plan.js';
import type { AuditEntry, AuditLog } from '../../../src/rollback/ports/audit-log.js';
import type { RollbackIndex } from '../../../src/rollback/ports/rollback-queue.js';
import type { Strategy, VersionEntry } from '../../../src/rollback/strategy.js';
import { findLastKnownGood, successfulRollbacks } from '../../../src/rollback/versions/last-known-good.js';
import { ServiceVersions } from '../../../src/rollback/versions/service-versions.js';
import { LocalCommandRunner } from '../../../src/targets/shell/local-command-runner.js';

const packages: VersionEntry[] = [
  { id: '2.4.1', description: 'billing 2.4.1', current: true },
  { id: '2.4.0', description: 'billing 2.4.0' },
  { id: '2.3.9', description: 'billing 2.3.9' },
];

describe('findLastKnownGood', () => {
  it('for a package strategy (no run history): the last rollback target the bot did not leave since', () => {
    const found = findLastKnownGood(packages, [
      { jobId: 'billing-2', from: '2.4.0', to: '2.3.9' },
      { jobId: 'billing-1', from: '2.4.1', to: '2.4.0' },
    ]);
    expect(found?.entry.id).toBe('2.3.9');
    expect(found?.from).toBe('rollback');
  });

  it('for a package strategy with no rollback history: none (the strategy picks "previous")', () => {
    expect(findLastKnownGood(packages, [])).toBeUndefined();
  });

  it('skips versions that share the current image and those a rollback left', () => {
    const history: VersionEntry[] = [
      { id: 'revision:5', description: 'revision 5', version: 'v0.7.0', ran: true, current: true },
      { id: 'revision:4', description: 'revision 4', version: 'v0.7.0', ran: true },
      { id: 'revision:3', description: 'revision 3', version: 'v0.8.0', ran: true },
      { id: 'revision:1', description: 'revision 1', version: 'v0.6.0', ran: true },
      { id: 'v0.5.0', description: 'tag v0.5.0', version: 'v0.5.0' },
    ];
    const found = findLastKnownGood(history, [{ jobId: 'kaizen-1', from: 'v0.8.0', to: 'v0.7.0' }]);
    expect(found?.entry.id).toBe('revision:1');
    expect(found?.skipped.map((s) => s.entry.id)).toEqual(['revision:3']);
  });
});

describe('successfulRollbacks', () => {
  const planOf = (jobId: string, remedy?: RollbackPlan['request']['remedy']): RollbackPlan => ({
    jobId,
    request: {
      service: 'kaizen',
      dryRun: false,
      requester: { id: 'U1', name: 'ada', source: 'slack' },
      ...(remedy ? { remedy } : {}),
    },
    service: 'kaizen',
    environment: 'production',
    strategy: 'kubernetes',
    from: 'v0.7.0',
    to: 'v0.8.0',
    target: { image: 'kaizen:v0.8.0', from: { image: 'kaizen:v0.7.0' } },
    steps: [],
    actions: [],
    createdAt: '2026-12-03T20:00:00.000Z',
  });
  const plans = new Map([
    ['kaizen-restore', planOf('kaizen-restore', { kind: 'restore_backup', fromJob: 'kaizen-failed' })],
    ['kaizen-restart', planOf('kaizen-restart', { kind: 'rollout_restart', fromJob: 'kaizen-failed' })],
    ['kaizen-rollback', { ...planOf('kaizen-rollback'), versions: { from: 'v0.9.0', to: 'v0.8.0' } }],
  ]);
  const index: RollbackIndex = {
    record: () => Promise.resolve(),
    recent: () => Promise.resolve([]),
    forService: () => Promise.resolve([]),
    plan: (jobId) => Promise.resolve(plans.get(jobId)),
  };
  const entry = (jobId: string): AuditEntry =>
    ({ type: 'succeeded', jobId, service: 'kaizen', at: '2026-12-03T21:00:00.000Z' }) as AuditEntry;
  const audit: AuditLog = {
    append: () => Promise.resolve(),
    list: () => Promise.resolve([entry('kaizen-restore'), entry('kaizen-restart'), entry('kaizen-rollback')]),
  };

  it('leaves out remedy jobs (restore from the backup, rollout restart): they moved away from no version', async () => {
    expect(await successfulRollbacks(audit, index, 'kaizen')).toEqual([
      { jobId: 'kaizen-rollback', from: 'v0.9.0', to: 'v0.8.0', at: '2026-12-03T21:00:00.000Z' },
    ]);
  });
});

describe('ServiceVersions', () => {
  const emptyIndex: RollbackIndex = {
    record: () => Promise.resolve(),
    recent: () => Promise.resolve([]),
    forService: () => Promise.resolve([]),
    plan: (): Promise<RollbackPlan | undefined> => Promise.resolve(undefined),
  };
  const emptyAudit: AuditLog = {
    append: () => Promise.resolve(),
    list: (): Promise<AuditEntry[]> => Promise.resolve([]),
  };
  const strategy = {
    name: 'apt',
    listVersions: () => Promise.resolve(packages),
  } as unknown as Strategy;

  it('says plainly that a git repository could not be read, and still lists the other versions', async () => {
    const service = serviceSchema.parse({
      name: 'billing',
      channel: 'C1',
      strategy: 'apt',
      apt: { package: 'billing' },
      hosts: [{ name: 'local' }],
      versions: { git: { repository: 'file:///nonexistent/billing.git' } },
    });
    const versions = new ServiceVersions({
      index: emptyIndex,
      audit: emptyAudit,
      gitRunner: new LocalCommandRunner(),
    });

    const listing = await versions.list(service, strategy);

    expect(listing.entries.map((e) => e.id)).toEqual(['2.4.1', '2.4.0', '2.3.9']);
    expect(listing.notes).toHaveLength(1);
    expect(listing.notes[0]).toMatch(
      /^The git tags of file:\/\/\/nonexistent\/billing\.git could not be read: /,
    );
  });
});
