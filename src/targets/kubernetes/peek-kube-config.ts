import { accessSync, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';

/** What the kubeconfig surely says, read without @kubernetes/client-node. */
export interface PeekedKubeConfig {
  source: 'file' | 'in-cluster' | 'default';
  /** The context the client will use. */
  context: string;
  /** The context's namespace ("default" when it names none), for `KubernetesCluster.description`. */
  namespace: string;
}

/**
 * The variables the kubeconfig look-up depends on, passed in by the composition root. @kubernetes/client-node's
 * loadFromDefault and loadFromCluster read the same ones from the process environment, so the root passes
 * the process's own values.
 */
export interface KubeConfigEnvironment {
  KUBERNETES_SERVICE_HOST?: string | undefined;
  KUBERNETES_SERVICE_PORT?: string | undefined;
  KUBECONFIG?: string | undefined;
  HOME?: string | undefined;
}

interface NamedEntry {
  name?: unknown;
  cluster?: { server?: unknown; 'insecure-skip-tls-verify'?: unknown };
  context?: { cluster?: unknown; namespace?: unknown };
}

/**
 * The same look-up `loadKubeConfig` makes through @kubernetes/client-node (about 45 MB and 1–3 s to load),
 * done with the YAML parser the bot already holds, so a process that has not yet talked to a cluster
 * need not load the client. Returns what it found only when every check `loadKubeConfig` makes surely
 * passes (the file parses, the context and its cluster exist, the server is https or TLS-skipping);
 * anything else, or any case it does not model (Windows home look-up, a pod's token without the
 * variables), returns undefined and the caller asks `loadKubeConfig` for the authoritative answer.
 */
export function peekKubeConfig(options: {
  kubeconfigPath?: string;
  context?: string;
  environment: KubeConfigEnvironment;
}): PeekedKubeConfig | undefined {
  const env = options.environment;
  if (!options.kubeconfigPath && env['KUBERNETES_SERVICE_HOST'] && env['KUBERNETES_SERVICE_PORT']) {
    const plainHttp = ['80', '8080', '8001'].includes(env['KUBERNETES_SERVICE_PORT']);
    const context = 'inClusterContext';
    if (plainHttp || (options.context !== undefined && options.context !== context)) return undefined;
    return { source: 'in-cluster', context, namespace: 'default' };
  }
  const files = kubeconfigFiles(options.kubeconfigPath, env);
  if (!files) return undefined;
  try {
    const documents = files.map((file) => parse(readFileSync(file, 'utf8')) as Record<string, unknown>);
    const picked = pickContext(documents, options.context);
    return picked && { source: options.kubeconfigPath ? 'file' : 'default', ...picked };
  } catch {
    return undefined;
  }
}

function kubeconfigFiles(path: string | undefined, env: KubeConfigEnvironment): string[] | undefined {
  if (path) return [path];
  const listed = (env['KUBECONFIG'] ?? '').split(delimiter).filter((file) => file !== '');
  if ((env['KUBECONFIG'] ?? '').length > 0) return listed.length > 0 ? listed : undefined;
  if (process.platform === 'win32') return undefined;
  const home = env['HOME'];
  if (home && accessible(home) && existsSync(join(home, '.kube', 'config'))) {
    return [join(home, '.kube', 'config')];
  }
  // No kubeconfig: client-node falls back to a pod's token or to localhost:8080; loadKubeConfig explains.
  return undefined;
}

function accessible(path: string): boolean {
  try {
    accessSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Merges as client-node's mergeConfig does: later files add entries and override current-context. */
function pickContext(
  documents: Record<string, unknown>[],
  wanted: string | undefined,
): Omit<PeekedKubeConfig, 'source'> | undefined {
  const clusters: NamedEntry[] = [];
  const contexts: NamedEntry[] = [];
  let current: unknown;
  for (const document of documents) {
    if (document === null || typeof document !== 'object') return undefined;
    for (const [list, key] of [
      [clusters, 'clusters'],
      [contexts, 'contexts'],
    ] as const) {
      const entries = (document[key] ?? []) as NamedEntry[];
      if (!Array.isArray(entries)) return undefined;
      for (const entry of entries) {
        // client-node refuses duplicates across files.
        if (list.some((known) => known.name === entry.name)) return undefined;
        list.push(entry);
      }
    }
    if (document['current-context']) current = document['current-context'];
  }
  const name = wanted ?? current;
  const context = contexts.find((entry) => entry.name === name);
  if (typeof name !== 'string' || !context?.context) return undefined;
  const cluster = clusters.find((entry) => entry.name === context.context?.cluster)?.cluster;
  if (typeof cluster?.server !== 'string') return undefined;
  if (cluster.server.startsWith('http:') && cluster['insecure-skip-tls-verify'] !== true) return undefined;
  const namespace = context.context.namespace;
  return {
    context: name,
    namespace: typeof namespace === 'string' && namespace !== '' ? namespace : 'default',
  };
}
