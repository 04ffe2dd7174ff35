import type { DeploymentBackups } from '../rollback/ports/deployment-backups.js';
import type { Logger } from '../observability/logger.js';
import type { CommandRunnerFactory } from '../rollback/ports/command-runner.js';
import type { KubernetesClusterFactory } from '../rollback/ports/kubernetes-cluster.js';
import { AptStrategy } from '../rollback/strategies/apt/apt-strategy.js';
import { ComposeStrategy } from '../rollback/strategies/compose/compose-strategy.js';
import { FilesStrategy } from '../rollback/strategies/files/files-strategy.js';
import { GitStrategy } from '../rollback/strategies/git/git-strategy.js';
import { HelmStrategy } from '../rollback/strategies/helm/helm-strategy.js';
import { KubernetesStrategy } from '../rollback/strategies/kubernetes/kubernetes-strategy.js';
import { YumStrategy } from '../rollback/strategies/yum/yum-strategy.js';
import type { Strategy } from '../rollback/strategy.js';
import { nodeLocalFiles } from '../targets/files/node-local-files.js';
import { createMonitoringChecks } from '../targets/monitoring/create-monitoring-checks.js';
import { configuredRegistryCredentials } from '../targets/registry/configured-registry-credentials.js';
import { createImageRegistryFactory } from '../targets/registry/create-image-registry-factory.js';
import { createKubernetesClusterFactory } from '../targets/kubernetes/create-kubernetes-cluster-factory.js';
import type { KubeConfigEnvironment } from '../targets/kubernetes/peek-kube-config.js';
import type { GitopsHolds } from '../rollback/ports/gitops-holds.js';
import type { ImageDigests } from '../rollback/ports/image-digests.js';
import type { RanConfigs } from '../rollback/ports/ran-configs.js';
import { createCommandRunnerFactory } from '../targets/shell/create-command-runner-factory.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitopsMirror } from '../rollback/gitops/git/gitops-mirror.js';
import { GithubPullRequests } from '../targets/git-host/github-pull-requests.js';

export interface StrategyDeps {
  log: Logger;
  /** `*_REGISTRY_AUTH` variables that `kubernetes.registry.credentialsEnv` may name. */
  registryEnv?: Readonly<Record<string, string>>;
  kubeconfigPath: string | undefined;
  /** The in-cluster and kubeconfig variables (KUBERNETES_SERVICE_HOST, _PORT, KUBECONFIG, HOME). */
  kubeEnvironment?: KubeConfigEnvironment | undefined;
  clusterFactory?: KubernetesClusterFactory;
  runnerFactory?: CommandRunnerFactory;
  /** Where the Kubernetes strategy records the CD systems it holds (restored on release). */
  gitopsHolds?: GitopsHolds;
  /** Where the Kubernetes strategy records the digests images ran with (pods' imageID). */
  imageDigests?: ImageDigests;
  /** Where the Kubernetes strategy records the ConfigMaps and Secrets each version ran with (hashes). */
  ranConfigs?: RanConfigs;
  /** The pre-check backups of earlier jobs (their job memory), for the "restore from the backup" button. */
  backups?: DeploymentBackups;
  /** `*_GIT_TOKEN` variables that `gitops.git.pullRequests.tokenEnv` may name. */
  gitTokens?: Readonly<Record<string, string>>;
  /** Where GitOps repositories are mirrored (GITOPS_CACHE_DIR). */
  gitopsCacheDir?: string | undefined;
}

/** The clients of the targets (clusters, hosts): the real ones, or the ones a test passes in. */
export function buildTargets(deps: StrategyDeps): {
  clusterFactory: KubernetesClusterFactory;
  runnerFactory: CommandRunnerFactory;
} {
  const { log } = deps;
  const clusterFactory =
    deps.clusterFactory ??
    createKubernetesClusterFactory({
      log,
      ...(deps.kubeconfigPath ? { kubeconfigPath: deps.kubeconfigPath } : {}),
      ...(deps.kubeEnvironment ? { environment: deps.kubeEnvironment } : {}),
    });
  return { clusterFactory, runnerFactory: deps.runnerFactory ?? createCommandRunnerFactory({ log }) };
}

/** Every rollback strategy, by name, wired to the real targets (or to the ones a test passes in). */
export function buildStrategies(deps: StrategyDeps): Map<string, Strategy> {
  const { log } = deps;
  const { clusterFactory, runnerFactory: runners } = buildTargets(deps);
  const local = runners({ name: 'local' });
  const monitoring = createMonitoringChecks({ log });
  const strategies: Strategy[] = [
    new KubernetesStrategy({
      clusterFactory,
      commandRunner: local,
      log,
      ...(deps.gitopsHolds ? { gitopsHolds: deps.gitopsHolds } : {}),
      ...(deps.imageDigests ? { imageDigests: deps.imageDigests } : {}),
      ...(deps.ranConfigs ? { ranConfigs: deps.ranConfigs } : {}),
      ...(deps.backups ? { backups: deps.backups } : {}),
      gitopsMirror: new GitopsMirror({
        runner: local,
        cacheDir: deps.gitopsCacheDir ?? join(tmpdir(), 'rollback-bot-gitops'),
      }),
      pullRequests: ({ api, tokenEnv }) =>
        new GithubPullRequests({ api, tokenEnv, token: deps.gitTokens?.[tokenEnv] }),
      registryFactory: createImageRegistryFactory({ log }),
      monitoring,
      configuredCredentials: (settings) =>
        configuredRegistryCredentials(settings, { env: deps.registryEnv ?? {} }),
    }),
    new HelmStrategy({ runnerFactory: runners, log }),
    new AptStrategy({ runnerFactory: runners, log, monitoring }),
    new YumStrategy({ runnerFactory: runners, log, monitoring }),
    new ComposeStrategy({ runnerFactory: runners, log, monitoring }),
    new GitStrategy({ runners, monitoring }),
    new FilesStrategy({ runners, localFiles: nodeLocalFiles(), monitoring }),
  ];
  return new Map(strategies.map((s) => [s.name, s]));
}
