import { Watch, type KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import type { Logger } from '../../observability/logger.js';
import { PermanentError, RetryableError, type RollbackError } from '../../errors/rollback-error.js';
import type { WatchHandle } from '../../rollback/ports/kubernetes-cluster.js';
import { mapKubernetesError, statusMessage } from './map-kubernetes-error.js';

/**
 * Watches one Deployment (`new Watch(kc).watch(...)` with a name field selector). `done` resolves when
 * the server ends the watch or `stop()` is called, and rejects with a domain error when it fails; a watch
 * that cannot start at all (403, unreachable) rejects the returned promise instead.
 */
export async function watchDeployment(
  deps: { kubeConfig: KubeConfig; context: string; log: Logger },
  namespace: string,
  name: string,
  onChange: (deployment: V1Deployment) => void,
): Promise<WatchHandle> {
  const call = { verb: 'watch', object: `Deployment "${name}"`, namespace, context: deps.context };
  let stopped = false;
  let finished = false;
  let failure: RollbackError | undefined;
  let resolveDone!: () => void;
  let rejectDone!: (error: RollbackError) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => undefined);
  const request: { controller?: AbortController } = {};
  const finish = (error?: RollbackError): void => {
    if (finished) return;
    finished = true;
    if (error && !stopped) {
      failure = error;
      rejectDone(error);
    } else resolveDone();
    request.controller?.abort();
  };
  const path = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`;
  const controller = await new Watch(deps.kubeConfig).watch(
    path,
    { fieldSelector: `metadata.name=${name}` },
    (phase: string, object: unknown) => {
      if (phase === 'ADDED' || phase === 'MODIFIED') {
        const deployment = object as V1Deployment;
        if (deployment.metadata?.name === name) onChange(deployment);
      } else if (phase === 'DELETED') {
        finish(
          new PermanentError(
            'kubernetes_not_found',
            `Deployment "${name}" was deleted in context ${deps.context}, namespace ${namespace}.`,
          ),
        );
      } else if (phase === 'ERROR') {
        finish(
          new RetryableError(
            'kubernetes_unavailable',
            `The watch of Deployment "${name}" failed: ${statusMessage(object) ?? 'unknown error'}`,
          ),
        );
      }
    },
    (error: unknown) => {
      if (error === null || error === undefined || stopped) finish();
      else finish(mapKubernetesError(error, call));
    },
  );
  request.controller = controller;
  if (failure) throw failure;
  if (finished) controller.abort();
  deps.log.debug({ namespace, deployment: name }, 'watching deployment');
  return {
    done,
    stop: () => {
      stopped = true;
      finish();
    },
  };
}
