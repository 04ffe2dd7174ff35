import type { ServiceConfig } from '../config/service-schema.js';
import type { Logger } from '../observability/logger.js';
import { describeError } from '../errors/rollback-error.js';
import { peekKubeConfig, type KubeConfigEnvironment } from '../targets/kubernetes/peek-kube-config.js';

/**
 * At start-up, for the services that roll back through the Kubernetes API (a `kubernetes:` section): loads
 * the kubeconfig of each context they use and warns, naming the services, when there is no cluster
 * (what to set) or the context cannot be used. Commands on those services answer the same message; this
 * says it before anyone types one. Returns the problems found (empty: every context loads).
 * A kubeconfig that surely loads is read without the Kubernetes client (see peekKubeConfig), which is
 * loaded only to explain a problem.
 */
export async function checkKubernetesAccess(options: {
  services: readonly ServiceConfig[];
  kubeconfigPath: string | undefined;
  kubeEnvironment: KubeConfigEnvironment;
  log: Logger;
}): Promise<{ code: string; message: string; services: string[] }[]> {
  const byContext = new Map<string | undefined, string[]>();
  for (const service of options.services) {
    if (service.kubernetes === undefined) continue;
    const context = service.kubernetes.context;
    byContext.set(context, [...(byContext.get(context) ?? []), service.name]);
  }
  const problems: { code: string; message: string; services: string[] }[] = [];
  for (const [context, services] of byContext) {
    const where = {
      ...(options.kubeconfigPath ? { kubeconfigPath: options.kubeconfigPath } : {}),
      ...(context === undefined ? {} : { context }),
      environment: options.kubeEnvironment,
    };
    if (peekKubeConfig(where)) continue;
    try {
      const { loadKubeConfig } = await import('../targets/kubernetes/load-kube-config.js');
      loadKubeConfig(where);
    } catch (error) {
      const { code, message, hint } = describeError(error);
      problems.push({ code, message, services });
      options.log.warn(
        { code, services, ...(context === undefined ? {} : { context }) },
        `${message} Rollbacks of ${services.join(', ')} through Kubernetes cannot run until then.${hint ? ` ${hint}` : ''}`,
      );
    }
  }
  return problems;
}
