import type { YumSection } from '../../../config/strategies/yum-schema.js';
import type { CommandRunner } from '../../ports/command-runner.js';
import { runChecked } from '../host/run-checked.js';
import { historyListArgv, listArgv } from './yum-commands.js';
import { parseYumHistory, parseYumList, type YumTransaction } from './yum-output.js';

const READ_TIMEOUT_MS = 120_000;

export async function readYumList(
  runner: CommandRunner,
  host: string,
  yum: YumSection,
  signal?: AbortSignal,
): Promise<{ installed: string | null; available: string[] }> {
  const result = await runChecked(runner, host, {
    argv: listArgv(yum),
    timeoutMs: READ_TIMEOUT_MS,
    env: { LC_ALL: 'C' },
    ...(signal ? { signal } : {}),
    what: `list the versions of ${yum.package}`,
    code: 'yum_list_failed',
    hint: `Nothing was changed by this command. Run \`yum list --showduplicates ${yum.package}\` on ${host} to see why it fails.`,
  });
  return parseYumList(result.stdout, yum.package);
}

export async function readYumHistory(
  runner: CommandRunner,
  host: string,
  yum: YumSection,
  signal?: AbortSignal,
): Promise<YumTransaction[]> {
  const result = await runChecked(runner, host, {
    argv: historyListArgv(yum),
    timeoutMs: READ_TIMEOUT_MS,
    env: { LC_ALL: 'C' },
    ...(signal ? { signal } : {}),
    what: `read the yum history of ${yum.package}`,
    code: 'yum_history_failed',
    hint: `Nothing was changed by this command. Run \`yum history list ${yum.package}\` on ${host} to see why it fails.`,
  });
  return parseYumHistory(result.stdout);
}
