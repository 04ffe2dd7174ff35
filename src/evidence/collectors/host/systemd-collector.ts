import type { EvidenceCollector } from '../evidence-collector.js';
import { requireUnit, runOnHost, type HostEvidenceTarget } from './host-command.js';

export const SYSTEMD_SHOW_PATH = 'systemd/show.txt';
export const HARDENING_PATH = 'hardening/report.txt';

/** `systemd/show.txt`: every property of the unit (`systemctl show <unit>`): NRestarts, states, limits... */
export function systemdCollector(target: HostEvidenceTarget): EvidenceCollector {
  return {
    name: 'systemd',
    async collect(context) {
      const unit = requireUnit(target);
      const result = await runOnHost(target, ['systemctl', 'show', unit, '--no-pager'], context);
      return { files: [{ path: SYSTEMD_SHOW_PATH, content: `${result.stdout}\n` }] };
    },
  };
}

/**
 * `hardening/report.txt`: `systemd-analyze security <unit> --no-pager`, the unit's sandboxing checks and
 * overall exposure score. A non-zero exit with a report (an exposure threshold) still counts.
 */
export function hardeningCollector(target: HostEvidenceTarget): EvidenceCollector {
  return {
    name: 'hardening',
    async collect(context) {
      const unit = requireUnit(target);
      const result = await runOnHost(
        target,
        ['systemd-analyze', 'security', unit, '--no-pager'],
        context,
        (r) => /Overall exposure level/.test(r.stdout),
      );
      return { files: [{ path: HARDENING_PATH, content: `${result.stdout}\n` }] };
    },
  };
}
