import type { HostShell } from './host-shell.js';
import { isActiveArgv } from './systemctl-argv.js';

/**
 * The unit's state as `systemctl is-active` reports it ("active", "inactive", "failed", "activating"...),
 * or "unknown" when systemctl printed nothing usable. Never throws for a non-zero exit.
 */
export async function readUnitState(shell: HostShell, unit: string): Promise<string> {
  try {
    const result = await shell.probe(isActiveArgv(unit));
    const state = result.stdout.trim().split('\n').pop()?.trim() ?? '';
    return /^[a-z-]{1,32}$/.test(state) ? state : 'unknown';
  } catch (error) {
    if (error instanceof Error && error.name === 'CancelledError') throw error;
    return 'unknown';
  }
}
