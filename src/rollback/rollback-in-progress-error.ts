import { InputError } from '../errors/rollback-error.js';
import { suggestCommand } from '../errors/suggested-command.js';
import type { ProgressStore } from './ports/progress-store.js';

/** The refusal of a second rollback of a service: who holds its lock, to what, and how to go on. */
export async function rollbackInProgressError(
  progress: ProgressStore,
  service: string,
  holderJobId: string,
): Promise<InputError> {
  const running = await progress.get(holderJobId);
  const who = running ? ` by ${running.requester.name}` : '';
  const target = running
    ? ` to ${running.to} (${running.state === 'awaiting_approval' ? 'waiting for approval' : running.state})`
    : '';
  return new InputError(
    'rollback_in_progress',
    `A rollback of ${service} is already in progress${who}${target}: job ${holderJobId}.`,
    {
      hint: 'Wait for it to end (its status shows where it stands), or cancel it before starting another.',
      next: [suggestCommand('status', holderJobId), suggestCommand('cancel', holderJobId)],
    },
  );
}
