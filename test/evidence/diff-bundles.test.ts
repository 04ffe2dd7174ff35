import { describe, expect, it } from 'vitest';
import { readBundle } from '../../src/evidence/bundle/read-bundle.js';
import { diffBundles } from '../../src/evidence/diff/diff-bundles.js';
import { formatFullDiff } from '../../src/evidence/diff/format-diff.js';
import { craftBundle, packRawBundle } from '../support/crafted-bundles.js';
import { BASELINE, BROKEN, POST_ROLLBACK, hostEvidence } from '../support/evidence-scenario.js';
import { PLANTED_SECRETS, SECRETS } from '../support/planted-secrets.js';

const baseline = () =>
  craftBundle({ label: 'pre-deploy', takenAt: '2025-11-22T01:00:05Z', files: hostEvidence(BASELINE) });

describe('diffBundles', () => {
  it('finds two healthy bundles equal when only timestamps, pids, ids and noise differ', async () => {
    const a = await baseline();
    const b = await craftBundle({
      label: 'post-rollback',
      takenAt: '2025-11-22T02:10:40Z',
      files: hostEvidence(POST_ROLLBACK, 30),
    });
    const diff = diffBundles(a.bundle, b.bundle);
    expect(diff.summary.text).toBe('post-rollback vs baseline: matches');
    expect(diff.matches).toBe(true);
    expect(diff.logs).toEqual([{ source: 'journal', added: [], removed: [] }]);
    // Memory moved by 2 MiB: shown in the full diff, not counted.
    expect(diff.values).toEqual([
      expect.objectContaining({
        what: 'memory of kaizen',
        from: '40.0 MiB',
        to: '42.1 MiB',
        significant: false,
      }),
      expect.objectContaining({ what: 'open fds of kaizen', from: '24', to: '26', significant: false }),
    ]);
    expect(formatFullDiff(diff)).toContain(
      'memory of kaizen 40.0 MiB → 42.1 MiB (not counted as a difference)',
    );
  });

  it('names each known difference between the baseline and the broken state', async () => {
    const a = await baseline();
    const b = await craftBundle({
      label: 'broken',
      takenAt: '2025-11-22T01:40:10Z',
      files: hostEvidence(BROKEN),
    });
    const diff = diffBundles(a.bundle, b.bundle);
    expect(diff.matches).toBe(false);
    expect(diff.summary.items).toEqual([
      '2 new error lines',
      'NRestarts 0 → 3',
      'ActiveState active → activating',
      'memory of kaizen 40.0 MiB → 200.0 MiB',
      'open fds of kaizen 24 → 310',
      'sh processes 0 → 1',
      'exposure 9.6 UNSAFE → 8.3 EXPOSED',
      'version file v0.7.0 → v0.8.0',
      'hardening report: 2 checks changed',
      'files/etc/kaizen/kaizen.conf changed',
    ]);
    expect(diff.summary.text).toBe(`broken vs baseline: matches, except: ${diff.summary.items.join(', ')}`);
    expect(diff.logs[0]?.added.map((l) => l.normalised)).toEqual([
      'kaizen: Error: listen EADDRINUSE: address already in use <ip>',
      'kaizen: FATAL migration 0042 failed: relation "orders" does not exist',
    ]);
    const full = formatFullDiff(diff);
    expect(full).toContain('== journal: error lines ==\n+ kaizen: Error: listen EADDRINUSE');
    expect(full).toContain('    e.g. 2025-11-22T01:40:00+00:00 web-1 kaizen[5120]: Error: listen EADDRINUSE');
    expect(full).toContain("  + ✓ PrivateNetwork= Service has no access to the host's network");
    expect(full).toContain('  - version = v0.7.0');
  });

  it('says what it could not compare and why, without counting it as a difference', async () => {
    const a = await baseline();
    const files = hostEvidence(POST_ROLLBACK);
    delete files['hardening/report.txt'];
    const b = await craftBundle({
      label: 'post-rollback',
      takenAt: '2025-11-22T02:10:40Z',
      files,
      collectors: [
        { name: 'hardening', ok: false, durationMs: 30000, files: [], error: 'timed out after 30 s' },
      ],
    });
    const diff = diffBundles(a.bundle, b.bundle);
    expect(diff.matches).toBe(true);
    expect(diff.summary.text).toBe(
      'post-rollback vs baseline: matches\nnot compared: hardening/report.txt (missing in post-rollback: hardening failed: timed out after 30 s)',
    );
  });

  it('compares Kubernetes bundles by container, not by pod name, and counts image changes but not revisions', async () => {
    const target = {
      kind: 'kubernetes',
      cluster: 'prod/default',
      namespace: 'default',
      deployment: 'kaizen',
    } as const;
    const k8s = (image: string, revision: string, pods: [string, number, string][], log: string) => ({
      'kubernetes/deployment.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: kaizen\n  resourceVersion: "${revision}00"\n  annotations:\n    deployment.kubernetes.io/revision: "${revision}"\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: kaizen\n          image: ${image}\n`,
      'kubernetes/pods.txt': [
        '# pods',
        ...pods.flatMap(([name, restarts, state]) => [
          `pod ${name}\tphase=Running\tready=${state === 'running'}\tcontainers-ready=1/1\trestarts=${restarts}\tnode=n1`,
          `  container kaizen\timage=${image}\tready=${state === 'running'}\trestarts=${restarts}\tstate=${state}\tlast=-`,
        ]),
      ].join('\n'),
      'kubernetes/events.txt': `2025-11-22T01:00:00.000Z\tNormal\tScalingReplicaSet\tDeployment/kaizen\tScaled up replica set kaizen-7d9f8b6c5 to 2\n`,
      ...Object.fromEntries(pods.map(([name]) => [`kubernetes/logs/${name}.kaizen.txt`, log])),
    });
    const good = (pods: [string, number, string][], revision: string) =>
      k8s('kaizen:v0.7.0', revision, pods, 'starting\nERROR slow query took 1203ms on 10.0.0.4:5432\n');
    const a = await craftBundle({
      label: 'pre-deploy',
      takenAt: '2025-11-22T01:00:00Z',
      target,
      files: good(
        [
          ['kaizen-7d9f8b6c5-x2kqp', 0, 'running'],
          ['kaizen-7d9f8b6c5-b7wzl', 0, 'running'],
        ],
        '1',
      ),
    });
    const same = await craftBundle({
      label: 'post-rollback',
      takenAt: '2025-11-22T03:00:00Z',
      target,
      files: good(
        [
          ['kaizen-7d9f8b6c5-qq8rt', 0, 'running'],
          ['kaizen-7d9f8b6c5-m4n5p', 0, 'running'],
        ],
        '3',
      ),
    });
    const sameDiff = diffBundles(a.bundle, same.bundle);
    expect(sameDiff.summary.text).toBe('post-rollback vs baseline: matches');
    expect(sameDiff.values).toEqual([
      expect.objectContaining({ what: 'Deployment revision', from: '1', to: '3', significant: false }),
    ]);

    const broken = await craftBundle({
      label: 'broken',
      takenAt: '2025-11-22T02:00:00Z',
      target,
      files: k8s(
        'kaizen:v0.8.0',
        '2',
        [
          ['kaizen-5f6d4c8b9-zz9rt', 4, 'waiting:CrashLoopBackOff'],
          ['kaizen-7d9f8b6c5-x2kqp', 0, 'running'],
        ],
        'panic: nil map\n',
      ),
    });
    expect(diffBundles(a.bundle, broken.bundle).summary.items).toEqual([
      '1 new error line',
      '1 error line gone',
      'pods ready 2/2 → 1/2',
      'restarts of container kaizen 0 → 4',
      'states of container kaizen 2 running → 1 running, 1 waiting:CrashLoopBackOff',
      'image of container kaizen kaizen:v0.7.0 → kaizen:v0.8.0',
    ]);
  });

  it('keeps secrets out of the diff even when the bundles were not redacted', async () => {
    const leaky = (label: string, errors: string[]) =>
      packRawBundle({
        label,
        takenAt: '2025-11-22T01:00:00Z',
        files: {
          'logs/journald.txt': errors.join('\n'),
          'systemd/show.txt': `NRestarts=0\nEnvironment=DB_PASSWORD=${SECRETS.dbPassword}`,
          'files/etc/kaizen.env': `API_KEY=${label === 'broken' ? SECRETS.apiKey : 'old'}\n`,
        },
      });
    const a = await readBundle(await leaky('pre-deploy', []));
    const b = await readBundle(
      await leaky('broken', [
        `2025-11-22T01:00:00+00:00 web-1 kaizen[1]: ERROR login failed for token ${SECRETS.slackBot}`,
        `2025-11-22T01:00:00+00:00 web-1 kaizen[1]: ERROR db postgres://kaizen:${SECRETS.urlPassword}@db/kaizen refused`,
        `2025-11-22T01:00:00+00:00 web-1 kaizen[1]: ERROR bad key ${SECRETS.privateKeyBody}`.replace(
          'bad key',
          '-----BEGIN PRIVATE KEY----- ',
        ),
      ]),
    );
    const diff = diffBundles(a, b);
    const everything = [formatFullDiff(diff), JSON.stringify(diff)].join('\n');
    for (const secret of PLANTED_SECRETS) expect(everything).not.toContain(secret);
    expect(diff.summary.items).toContain('3 new error lines');
  });
});
