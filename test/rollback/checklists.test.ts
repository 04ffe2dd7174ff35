import { describe, expect, it } from 'vitest';
import {
  postMortemChecklist,
  prerequisitesChecklist,
  verificationChecklist,
} from '../../src/rollback/checklists.js';

const texts = (list: { items: { text: string }[] }) => list.items.map((item) => item.text);

describe('runbook checklists', () => {
  it('verification follows the runbook\'s "Verification Steps", none ticked', () => {
    const list = verificationChecklist();
    expect(texts(list)).toEqual([
      'All pods are running and healthy',
      'Health endpoint returns 200 OK',
      'No error logs in pod output',
      'Key workflows execute successfully',
      'Metrics are being collected',
      'Alerts are not firing',
    ]);
    expect(list.items.every((item) => item.done === undefined)).toBe(true);
  });

  it('prerequisites follow the runbook\'s "Prerequisites"', () => {
    expect(texts(prerequisitesChecklist())).toEqual([
      'Confirm the issue requires a rollback (not a forward fix)',
      'Identify the target rollback version',
      'Notify stakeholders of planned rollback',
      'Ensure access to deployment systems',
      'Have monitoring dashboards ready',
    ]);
  });

  it('after a Kubernetes rollback: notify, schedule the post-mortem, document lessons', () => {
    expect(texts(postMortemChecklist('kubernetes'))).toEqual([
      'Send completion notification',
      'Schedule post-mortem',
      'Document lessons learned',
    ]);
  });

  it("after a host rollback: the host runbook's post-mortem checklist", () => {
    const items = texts(postMortemChecklist('host'));
    expect(items).toHaveLength(6);
    expect(items[0]).toMatch(/^Diff the journal logs between/);
    expect(items.slice(1)).toEqual([
      'Check `systemd/show.txt` for restart count changes',
      'Compare `process/snapshot.txt` memory/fd usage',
      'Note any `hardening/report.txt` differences',
      'Document root cause',
      'Create ticket for proper fix',
    ]);
  });

  it('hands out fresh copies, so ticking one list leaves the next untouched', () => {
    const first = verificationChecklist();
    first.items[0]!.done = true;
    expect(verificationChecklist().items[0]!.done).toBeUndefined();
  });

  it('asks host services to verify with systemctl and the journal, as the host runbook does', () => {
    const texts = verificationChecklist('host').items.map((i) => i.text);
    expect(texts[0]).toContain('systemctl status');
    expect(texts[1]).toContain('journalctl -u');
    expect(texts.join(' ')).not.toContain('pods');
  });
});
