import { KubeConfig } from '@kubernetes/client-node';
import { PermanentError } from '../../errors/rollback-error.js';

export type KubeConfigSource = 'file' | 'in-cluster' | 'default';

/**
 * Loads the kubeconfig: from `kubeconfigPath` when given, else the pod's service account when running in
 * a pod (KUBERNETES_SERVICE_HOST is set), else the default rules ($KUBECONFIG, ~/.kube/config).
 * Then selects `context` (undefined: the file's current context).
 */
export function loadKubeConfig(options: { kubeconfigPath?: string; context?: string }): {
  kubeConfig: KubeConfig;
  source: KubeConfigSource;
  context: string;
} {
  // client-node's loadFromCluster reads these same variables from process.env.
  const env = process.env;
  const kubeConfig = new KubeConfig();
  let source: KubeConfigSource;
  try {
    if (options.kubeconfigPath) {
      kubeConfig.loadFromFile(options.kubeconfigPath);
      source = 'file';
    } else if (env['KUBERNETES_SERVICE_HOST'] && env['KUBERNETES_SERVICE_PORT']) {
      kubeConfig.loadFromCluster();
      source = 'in-cluster';
    } else {
      kubeConfig.loadFromDefault();
      source = 'default';
    }
  } catch (error) {
    throw new PermanentError(
      'kubernetes_config',
      `Cannot load the kubeconfig${options.kubeconfigPath ? ` ${options.kubeconfigPath}` : ''}.`,
      {
        cause: error,
        hint: 'Check the kubeconfig path in the bot configuration, or run the bot in a pod with a service account.',
      },
    );
  }
  if (options.context !== undefined) {
    if (!kubeConfig.getContextObject(options.context)) {
      const known = kubeConfig.getContexts().map((c) => c.name);
      throw new PermanentError(
        'kubernetes_context_unknown',
        `The kubeconfig has no context "${options.context}".`,
        {
          hint:
            known.length > 0
              ? `Known contexts: ${known.join(', ')}. Fix kubernetes.context in the service's YAML.`
              : 'The kubeconfig has no contexts at all.',
        },
      );
    }
    kubeConfig.setCurrentContext(options.context);
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new PermanentError('kubernetes_config', 'The kubeconfig has no cluster for its current context.', {
      hint: 'Set kubernetes.context in the service YAML or fix the kubeconfig.',
    });
  }
  return { kubeConfig, source, context: kubeConfig.getCurrentContext() };
}
