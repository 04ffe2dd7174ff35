import { KubeConfig } from '@kubernetes/client-node';
import { PermanentError } from '../../errors/rollback-error.js';
import type { KubeConfigEnvironment } from './peek-kube-config.js';

export type KubeConfigSource = 'file' | 'in-cluster' | 'default';

/** What to set when there is no cluster: said at start-up and in the answer to a command that needs one. */
export const NO_CLUSTER_HINT =
  'Set KUBECONFIG to a kubeconfig file (or put one at ~/.kube/config) and restart the bot, or run the bot in a pod with a service account.';

/**
 * Loads the kubeconfig: from `kubeconfigPath` when given, else the pod's service account when running in
 * a pod (KUBERNETES_SERVICE_HOST and _PORT are set in `environment`), else the default rules ($KUBECONFIG,
 * ~/.kube/config). Then selects `context` (undefined: the file's current context). `environment` holds the
 * process's own values: client-node reads the same variables from the process environment as it loads.
 *
 * Throws PermanentError `kubernetes_not_configured` when none of these exists (client-node would quietly
 * use http://localhost:8080 and fail at the first request with a TLS message), and `kubernetes_config`
 * for a plain-http server without `insecure-skip-tls-verify`, which client-node refuses to call.
 */
export function loadKubeConfig(options: {
  kubeconfigPath?: string;
  context?: string;
  environment: KubeConfigEnvironment;
}): {
  kubeConfig: KubeConfig;
  source: KubeConfigSource;
  context: string;
} {
  const env = options.environment;
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
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    throw new PermanentError('kubernetes_config', 'The kubeconfig has no cluster for its current context.', {
      hint: 'Set kubernetes.context in the service YAML or fix the kubeconfig.',
    });
  }
  if (source === 'default' && isClientNodeFallback(kubeConfig)) {
    throw new PermanentError(
      'kubernetes_not_configured',
      'No Kubernetes cluster is configured for this bot: there is no kubeconfig and it does not run in a pod.',
      { hint: NO_CLUSTER_HINT },
    );
  }
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    throw new PermanentError(
      'kubernetes_config',
      `The kubeconfig's cluster "${cluster.name}" (context ${kubeConfig.getCurrentContext()}) is plain http (${cluster.server}), which the Kubernetes client refuses without insecure-skip-tls-verify.`,
      {
        hint: 'Use the https address of the API server, or set insecure-skip-tls-verify: true for a local test cluster.',
      },
    );
  }
  return { kubeConfig, source, context: kubeConfig.getCurrentContext() };
}

/**
 * client-node's loadFromDefault, finding no kubeconfig and no pod, loads one cluster "cluster" at
 * http://localhost:8080 with a user "user" without credentials. No real kubeconfig looks like that.
 */
function isClientNodeFallback(kubeConfig: KubeConfig): boolean {
  const [cluster, ...otherClusters] = kubeConfig.getClusters();
  const [user, ...otherUsers] = kubeConfig.getUsers();
  return (
    otherClusters.length === 0 &&
    otherUsers.length === 0 &&
    cluster?.name === 'cluster' &&
    cluster.server === 'http://localhost:8080' &&
    user?.name === 'user' &&
    user.token === undefined &&
    user.certFile === undefined &&
    user.certData === undefined &&
    user.exec === undefined &&
    user.authProvider === undefined
  );
}
