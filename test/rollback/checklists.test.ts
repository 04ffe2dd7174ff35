import { describe, expect, it } from 'vitest';
import { serviceSchema, type ServiceConfig } from '../../src/config/service-schema.js';
import { postMortemChecklist, prerequisitesChecklist } from '../../src/rollback/checklists.js';
import { finalChecklists } from '../../src/rollback/final-checklists.js';
import type { Checklist } from '../../src/rollback/progress-snapshot.js';
import { verificationChecklist } from '../../src/rollback/verification-checklist.js';
import { kaizenService } from '../support/kaizen-service.js';

const texts = (list: Checklist) => list.items.map((item) => item.text);
const service = (doc: Record<string, unknown>): ServiceConfig => serviceSchema.parse(doc);
const plan = (strategy: string, to: string) => ({ strategy, to, jobId: 'kaizen-mx1-ab12' });

const kaizen = service(
  kaizenService('60s', {
    channel: '#kaizen-incidents',
    verify: { healthUrl: 'https://kaizen.example.com/health' },
  }),
);
const helm = service({
  name: 'kaizen',
  channel: 'C0INCIDENT',
  strategy: 'helm',
  helm: { release: 'kaizen-prod', namespace: 'shop', kubeContext: 'prod-eu' },
});
const apt = service({
  name: 'billing',
  channel: 'C0BILLING',
  strategy: 'apt',
  hosts: [{ name: 'deploy@web-1' }, { name: 'deploy@web-2' }],
  apt: { package: 'billing', unit: 'billing.service' },
  verify: { smoke: { command: ['pytest', 'tests/smoke', '-q'] } },
});
const git = service({
  name: 'demo',
  channel: '#demo',
  strategy: 'git',
  git: { path: '/srv/demo', restart: ['/srv/demo/bin/reload'] },
});
const files = service({
  name: 'web',
  channel: 'C0WEB',
  strategy: 'files',
  files: { path: '/srv/web', backupDir: '/backup/web', unit: 'web.service' },
});

/** Every list of every strategy, for the checks that hold for all of them. */
const everyList = (): Checklist[] => [
  prerequisitesChecklist(kaizen, plan('kubernetes', 'v0.7.0')),
  prerequisitesChecklist(apt, plan('apt', 'billing 0.7.0-1')),
  ...finalChecklists(kaizen, plan('kubernetes', 'v0.7.0 (revision 3)'), 'succeeded'),
  ...finalChecklists(helm, plan('helm', 'revision 3'), 'succeeded'),
  ...finalChecklists(apt, plan('apt', 'billing 0.7.0-1'), 'succeeded'),
  ...finalChecklists(git, plan('git', 'v0.7.0 (fe1f06b)'), 'succeeded'),
  ...finalChecklists(files, plan('files', 'backup v0.7.0'), 'succeeded'),
];

describe('runbook checklists, fitted to the strategy and the service', () => {
  it('a Kubernetes service verifies its own Deployment, namespace, container and health URL', () => {
    expect(texts(verificationChecklist(kaizen, plan('kubernetes', 'v0.7.0')))).toEqual([
      'All pods are running and healthy: `kubectl rollout status deployment/kaizen -n default`',
      'No error logs in pod output: `kubectl logs deployment/kaizen -c kaizen -n default --tail=100`',
      'The health endpoint `https://kaizen.example.com/health` answers 200',
      'Key workflows execute successfully',
      'Metrics are being collected',
      'Alerts are not firing',
    ]);
  });

  it('a Helm service checks its release in its namespace and context', () => {
    const list = texts(verificationChecklist(helm, plan('helm', 'revision 3')));
    expect(list[0]).toBe(
      'The release is deployed at its new revision: `helm status kaizen-prod -n shop --kube-context prod-eu`',
    );
    expect(list[1]).toContain(
      '`kubectl get pods -n shop --context prod-eu -l app.kubernetes.io/instance=kaizen-prod`',
    );
  });

  it('a package on hosts: the installed version, its unit and journal on each host, the bundles', () => {
    const list = texts(verificationChecklist(apt, plan('apt', 'billing 0.7.0-1')));
    expect(list.slice(0, 3)).toEqual([
      '`apt-cache policy billing` shows billing 0.7.0-1 on deploy@web-1, deploy@web-2',
      '`systemctl status billing.service` shows the unit active on deploy@web-1, deploy@web-2',
      '`journalctl -u billing.service -n 20 --no-pager` shows no new errors on deploy@web-1, deploy@web-2',
    ]);
    expect(list).toContain(
      'Collect the post-rollback bundle: `python -m toolkit incident collect --config config/services/billing.yaml`',
    );
    expect(list).toContain('Key workflows execute successfully (the smoke test: `pytest tests/smoke -q`)');
    expect(list.join(' ')).not.toMatch(/pods|kubectl/);
  });

  it('a service without a systemd unit gets no systemctl or journalctl line', () => {
    const list = texts(verificationChecklist(git, plan('git', 'v0.7.0 (fe1f06b)')));
    expect(list[0]).toBe(
      '`git -C /srv/demo describe --tags --always` shows v0.7.0 (fe1f06b) on the worker host',
    );
    expect(list.join(' ')).not.toMatch(/systemctl|journalctl/);
  });

  it('a files restore names where the replaced files were saved, for this job', () => {
    expect(texts(verificationChecklist(files, plan('files', 'backup v0.7.0')))[0]).toBe(
      '`/srv/web` holds the restored files (backup v0.7.0) on the worker host; the replaced ones are saved under `/backup/web/.pre-rollback-kaizen-mx1-ab12`',
    );
  });

  it('before rolling back: the resolved target, the channel, the cluster or hosts to reach', () => {
    expect(texts(prerequisitesChecklist(kaizen, plan('kubernetes', 'v0.7.0 (revision 3)')))).toEqual([
      'Confirm the issue requires a rollback (not a forward fix)',
      'Confirm the target version: v0.7.0 (revision 3)',
      'Notify stakeholders of the planned rollback in #kaizen-incidents',
      'Ensure access to the cluster, namespace `default`',
      'Have monitoring dashboards ready',
    ]);
    const host = texts(prerequisitesChecklist(apt, plan('apt', 'billing 0.7.0-1')));
    expect(host[2]).toBe(
      'Capture the broken state first (evidence): `python -m toolkit incident collect --config config/services/billing.yaml`',
    );
    expect(host).toContain('Ensure access to deploy@web-1, deploy@web-2');
  });

  it('after the rollback: the Kubernetes runbook’s communication list, or the host runbook’s post-mortem', () => {
    expect(texts(postMortemChecklist(kaizen, 'kubernetes'))).toEqual([
      'Send the completion notification in #kaizen-incidents',
      'Schedule the post-mortem',
      'Document lessons learned',
    ]);
    expect(texts(postMortemChecklist(apt, 'apt'))).toContain(
      'Check `systemd/show.txt` for restart count changes',
    );
    expect(finalChecklists(apt, plan('apt', 'x'), 'failed').map((l) => l.id)).toEqual(['post-mortem']);
    expect(finalChecklists(kaizen, plan('kubernetes', 'x'), 'succeeded').map((l) => l.id)).toEqual([
      'verify',
      'after-rollback',
    ]);
  });

  it('leaves no placeholder in, and gives every list and item a stable id, unique in its list', () => {
    for (const list of everyList()) {
      expect(texts(list).join('\n')).not.toMatch(/<service>|<unit>|<package>|<job id>|<[a-z -]+>/);
      expect(list.id).toMatch(/^[a-z-]+$/);
      const ids = list.items.map((i) => i.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^[a-z-]+$/);
    }
    expect(everyList().map((l) => l.items.map((i) => i.id))).toEqual(
      everyList().map((l) => l.items.map((i) => i.id)),
    );
  });

  it('hands out fresh copies, so ticking one list leaves the next untouched', () => {
    const first = verificationChecklist(kaizen, plan('kubernetes', 'v0.7.0'));
    first.items[0]!.done = true;
    expect(verificationChecklist(kaizen, plan('kubernetes', 'v0.7.0')).items[0]!.done).toBeUndefined();
  });
});
