import type { EvidenceCollector } from '../evidence-collector.js';
import { maybeSudo, requireUnit, runOnHost, type HostEvidenceTarget } from './host-command.js';

export const JOURNAL_PATH = 'logs/journald.txt';

/**
 * `logs/journald.txt`: `journalctl -u <unit> --since=@<epoch> -n <lines> --no-pager -o short-iso`, the unit's
 * recent journal with ISO timestamps (the runbook's quick diagnosis greps it).
 */
export function journaldCollector(
  target: HostEvidenceTarget,
  options: { lines: number; sinceSeconds: number },
): EvidenceCollector {
  return {
    name: 'journald',
    async collect(context) {
      const unit = requireUnit(target);
      const since = Math.floor(context.now.getTime() / 1000 - options.sinceSeconds);
      const argv = maybeSudo(target, [
        'journalctl',
        '-u',
        unit,
        `--since=@${since}`,
        '-n',
        String(options.lines),
        '--no-pager',
        '-o',
        'short-iso',
      ]);
      const result = await runOnHost(target, argv, context);
      return { files: [{ path: JOURNAL_PATH, content: `${result.stdout}\n`, keep: 'tail' }] };
    },
  };
}
