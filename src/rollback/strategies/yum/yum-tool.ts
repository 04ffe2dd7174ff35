import type { YumSection } from '../../../config/strategies/yum-schema.js';
import { PermanentError } from '../../../errors/rollback-error.js';
import type { HostChangeTool } from '../host/host-change.js';
import { runChecked } from '../host/run-checked.js';
import { checkSudo } from '../apt/apt-tool.js';
import { readYumHistory, readYumList } from './read-yum.js';
import { downgradeArgv, undoArgv } from './yum-commands.js';
import { isUndoable } from './yum-output.js';
import type { YumHostTarget, YumTarget } from './yum-target.js';

/** The change command for one host of a yum plan. */
export function yumChangeArgv(yum: YumSection, target: YumTarget, host: YumHostTarget): string[] {
  return target.mode === 'downgrade'
    ? downgradeArgv(yum, target.version as string)
    : undoArgv(yum, host.transaction as number);
}

/** yum list / yum history to read; `yum history undo` or `yum downgrade` to change (host runbook, Option A). */
export function yumTool(yum: YumSection, target: YumTarget): HostChangeTool<YumHostTarget> {
  const label =
    target.mode === 'downgrade'
      ? `${yum.package} ${target.version}`
      : `${yum.package} before its last update`;
  return {
    name: 'yum',
    targetLabel: label,
    readVersion: async (runner, host, signal) =>
      (await readYumList(runner, host.name, yum, signal)).installed,
    // An undo's result version is only known afterwards: done once the package moved off the planned one.
    isDone: (host, current, remembered) =>
      target.mode === 'downgrade'
        ? current === target.version
        : remembered !== undefined || (current !== null && current !== host.from),
    async precheck(runner, host, hostTarget, signal) {
      let found: string;
      if (target.mode === 'downgrade') {
        const list = await readYumList(runner, host.name, yum, signal);
        if (!list.available.includes(target.version as string)) {
          throw new PermanentError('yum_version_gone', `${label} is no longer available on ${host.name}.`, {
            hint: `Nothing was changed. yum offers: ${list.available.join(', ') || 'nothing'}.`,
          });
        }
        found = `${target.version} available`;
      } else {
        const history = await readYumHistory(runner, host.name, yum, signal);
        const t = history.find((x) => x.id === hostTarget.transaction);
        if (t === undefined || !isUndoable(t)) {
          throw new PermanentError(
            'yum_transaction_gone',
            `Transaction ${hostTarget.transaction} of ${yum.package} is no longer undoable on ${host.name}.`,
            {
              hint: `Nothing was changed. Look at \`yum history list ${yum.package}\` there and ask again.`,
            },
          );
        }
        found = `transaction ${t.id} (${t.actions}) can be undone`;
      }
      if (yum.sudo) await checkSudo(runner, host, signal);
      return `${found}${yum.sudo ? ', sudo -n works' : ''}`;
    },
    async change(runner, host, hostTarget, signal) {
      await runChecked(runner, host.name, {
        argv: yumChangeArgv(yum, target, hostTarget),
        timeoutMs: yum.timeout * 1000,
        signal,
        env: { LC_ALL: 'C' },
        what:
          target.mode === 'downgrade'
            ? `downgrade to ${label}`
            : `undo yum transaction ${hostTarget.transaction}`,
        code: 'yum_change_failed',
        hint: `Run \`yum history list ${yum.package}\` and \`rpm -q ${yum.package}\` on ${host.name} to see what is installed; if yum was interrupted, run \`yum-complete-transaction\` (yum) or check \`dnf history\`, then retry the rollback.`,
      });
    },
  };
}
