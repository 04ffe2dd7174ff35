import type { KubernetesCluster } from '../../../rollback/ports/kubernetes-cluster.js';
import { bundlePath } from '../../bundle/bundle-path.js';
import type { EvidenceFile } from '../../bundle/write-bundle.js';
import type { EvidenceCollector } from '../evidence-collector.js';
import type { DeploymentView } from './kubernetes-source.js';

export const POD_LOGS_DIR = 'kubernetes/logs';
const MAX_PODS = 20;

/**
 * `kubernetes/logs/<pod>.<container>.txt`: the last lines of each container of each pod (at most 20 pods).
 * A container whose log cannot be read (still waiting to start) is a warning, not a failure.
 */
export function podLogsCollector(
  cluster: KubernetesCluster,
  namespace: string,
  lines: number,
  load: (signal: AbortSignal) => Promise<DeploymentView>,
): EvidenceCollector {
  return {
    name: 'pod-logs',
    async collect(context) {
      const view = await load(context.signal);
      const wanted = view.pods
        .slice(0, MAX_PODS)
        .flatMap((pod) =>
          (pod.spec?.containers ?? []).map((c) => ({ pod: pod.metadata?.name ?? '', container: c.name })),
        );
      const warnings: string[] = [];
      if (view.pods.length > MAX_PODS)
        warnings.push(`${view.pods.length} pods; logs of the first ${MAX_PODS} are in the bundle`);
      const files: EvidenceFile[] = [];
      await Promise.all(
        wanted.map(async ({ pod, container }) => {
          try {
            const log = await cluster.readPodLog(namespace, pod, container, lines, context.signal);
            files.push({
              path: bundlePath(POD_LOGS_DIR, `${pod}.${container}.txt`),
              content: log,
              keep: 'tail',
            });
          } catch (error) {
            if (context.signal.aborted) throw error;
            warnings.push(
              `log of ${pod}/${container}: ${error instanceof Error ? error.message : String(error)}`,
            );
          }
        }),
      );
      files.sort((a, b) => a.path.localeCompare(b.path));
      return { files, warnings };
    },
  };
}
