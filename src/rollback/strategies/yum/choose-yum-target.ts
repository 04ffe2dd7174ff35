import type { YumSection } from '../../../config/strategies/yum-schema.js';
import { InputError } from '../../../errors/rollback-error.js';
import type { RollbackRequest } from '../../plan.js';
import { choosePackageVersion } from '../host/choose-package-version.js';
import { describeTransaction, isUndoable, type YumTransaction } from './yum-output.js';
import type { YumTarget } from './yum-target.js';

export interface YumHostState {
  host: string;
  installed: string | null;
  available: string[];
  history: YumTransaction[];
}

const TRANSACTION_INPUT = /^transaction:(\d{1,9})$/;

/**
 * "previous": undo each host's latest update of the package. "transaction:N" (or toRevision N): undo that
 * transaction; transaction ids are per host, so only for a service with one host. A version: `yum downgrade`
 * to it on every host.
 */
export function chooseYumTarget(
  yum: YumSection,
  hosts: YumHostState[],
  request: Pick<RollbackRequest, 'version' | 'toRevision'>,
): YumTarget {
  const first = hosts[0];
  if (first === undefined) throw new InputError('no_hosts', 'The service has no hosts.');
  const valid = (h: YumHostState): string =>
    `Undoable transactions on ${h.host}: ${
      h.history
        .filter(isUndoable)
        .slice(0, 10)
        .map((t) => `transaction:${t.id}`)
        .join(', ') || 'none'
    }; ` + `versions: ${h.available.filter((v) => v !== h.installed).join(', ') || 'none'}.`;
  const transactionInput = request.toRevision ?? numberOf(request.version);
  if (transactionInput !== undefined) {
    if (hosts.length !== 1) {
      throw new InputError(
        'transaction_needs_one_host',
        'yum transaction ids differ from host to host; give a package version instead.',
        { hint: valid(first) },
      );
    }
    const t = first.history.find((x) => x.id === transactionInput);
    if (t === undefined || !isUndoable(t)) {
      const why =
        t === undefined
          ? `no transaction ${transactionInput} of ${yum.package}`
          : `${describeTransaction(t)} cannot be undone to an earlier version`;
      throw new InputError('unknown_transaction', `${first.host} has ${why}.`, { hint: valid(first) });
    }
    return undo(yum, [{ ...first, transaction: t.id }]);
  }
  if (request.version === undefined) {
    return undo(
      yum,
      hosts.map((h) => {
        const latest = h.history[0];
        if (latest === undefined || !isUndoable(latest)) {
          throw new InputError(
            'no_previous_version',
            `The last yum transaction of ${yum.package} on ${h.host} is not an update that can be undone.`,
            { hint: valid(h) },
          );
        }
        return { ...h, transaction: latest.id };
      }),
    );
  }
  const version = choosePackageVersion(
    yum.package,
    hosts.map((h) => ({
      host: h.host,
      installed: h.installed,
      versions:
        h.installed !== null && !h.available.includes(h.installed)
          ? [...h.available, h.installed]
          : h.available,
    })),
    request.version,
  );
  return {
    package: yum.package,
    mode: 'downgrade',
    version,
    hosts: hosts.map((h) => ({ host: h.host, from: h.installed })),
  };
}

function undo(yum: YumSection, hosts: (YumHostState & { transaction: number })[]): YumTarget {
  for (const h of hosts) {
    if (h.installed === null)
      throw new InputError('not_installed', `${yum.package} is not installed on ${h.host}.`);
  }
  return {
    package: yum.package,
    mode: 'undo',
    hosts: hosts.map((h) => ({ host: h.host, from: h.installed, transaction: h.transaction })),
  };
}

function numberOf(version: string | undefined): number | undefined {
  const match = version === undefined ? null : TRANSACTION_INPUT.exec(version);
  return match ? Number(match[1]) : undefined;
}
