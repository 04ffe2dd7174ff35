import { z } from 'zod';
import type { HelmSection } from '../../../config/strategies/helm-schema.js';
import { PermanentError } from '../../../errors/rollback-error.js';
import type { CommandRunner } from '../../ports/command-runner.js';
import { runChecked } from '../host/run-checked.js';
import { HELM_READ_TIMEOUT_MS, helmHistoryArgv } from './helm-commands.js';

/** One entry of `helm history -o json` (oldest first). */
export const helmRevisionSchema = z.object({
  revision: z.number().int().positive(),
  updated: z.string().default(''),
  status: z.string(),
  chart: z.string().default(''),
  app_version: z.string().default(''),
  description: z.string().default(''),
});
export type HelmRevision = z.output<typeof helmRevisionSchema>;

/** Statuses a release can be rolled back to. */
export const GOOD_STATUSES = new Set(['superseded', 'deployed']);

export function parseHelmHistory(stdout: string): HelmRevision[] {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new PermanentError('helm_bad_output', '`helm history -o json` did not print JSON.', {
      details: [stdout.slice(0, 500)],
    });
  }
  const parsed = z.array(helmRevisionSchema).safeParse(json);
  if (!parsed.success) {
    throw new PermanentError('helm_bad_output', '`helm history -o json` printed an unexpected shape.', {
      details: [parsed.error.message],
    });
  }
  return [...parsed.data].sort((a, b) => a.revision - b.revision);
}

export async function readHelmHistory(
  runner: CommandRunner,
  helm: HelmSection,
  signal?: AbortSignal,
): Promise<HelmRevision[]> {
  const result = await runChecked(runner, runner.host, {
    argv: helmHistoryArgv(helm),
    timeoutMs: HELM_READ_TIMEOUT_MS,
    ...(signal ? { signal } : {}),
    what: `read the history of Helm release ${helm.release}`,
    code: 'helm_history_failed',
    hint: `Nothing was changed. Check that the worker can run \`helm history ${helm.release} -n ${helm.namespace}\` (kubeconfig, context, release name).`,
  });
  const history = parseHelmHistory(result.stdout);
  if (history.length === 0) {
    throw new PermanentError('helm_no_history', `Helm release ${helm.release} has no revisions.`);
  }
  return history;
}

/** One line for plans and lists: "revision 3 (kaizen-0.7.0, app v0.7.0, superseded)". */
export function describeRevision(r: HelmRevision): string {
  const app = r.app_version ? `, app ${r.app_version}` : '';
  return `revision ${r.revision} (${r.chart || 'unknown chart'}${app}, ${r.status})`;
}
