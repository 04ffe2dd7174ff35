import type { ServiceConfig, KubernetesSection } from '../../../config/service-schema.js';
import type { Logger } from '../../../observability/logger.js';
import type { RollbackRequest } from '../../plan.js';
import type { CommandRunner } from '../../ports/command-runner.js';
import type { V1PodSpec } from '@kubernetes/client-node';
import type { RegistrySection } from '../../../config/registry-schema.js';
import { serviceRegistryCredentials } from '../../images/registry-credentials.js';
import type {
  ImageRegistry,
  ImageRegistryFactory,
  RegistryCredentialsLookup,
} from '../../ports/image-registry.js';
import type { KubernetesCluster, KubernetesClusterFactory } from '../../ports/kubernetes-cluster.js';
import type { MonitoringChecks } from '../../ports/monitoring-checks.js';
import type { RollbackStep } from '../../step.js';
import type { ResolvedPlan, Strategy, StrategyCallOptions, VersionEntry } from '../../strategy.js';
import type { GitopsHolds } from '../../ports/gitops-holds.js';
import { holdGitopsStep } from '../../gitops/hold-gitops-step.js';
import { identifyStep } from './identify-step.js';
import { parseKubernetesTarget, type KubernetesTarget } from './kubernetes-target.js';
import { listKubernetesVersions } from './list-kubernetes-versions.js';
import { monitorStep } from './monitor-step.js';
import { precheckStep } from './precheck-step.js';
import { clusterWhere } from './read-deployment-state.js';
import { resolveKubernetesPlan } from './resolve-kubernetes-plan.js';
import type { SeenSelector } from './read-deployment-state.js';
import { rollbackStep } from './rollback-step.js';
import { verifyStep } from './verify-step.js';
import { strategySection } from '../strategy-section.js';
import type { ImageDigests } from '../../ports/image-digests.js';
import type { DeploymentBackups } from '../../ports/deployment-backups.js';
import { resolveRemedyPlan } from './remedies/resolve-remedy-plan.js';
import type { RanConfigs } from '../../ports/ran-configs.js';
import type { ConfigRecording } from './config-drift/plan-config-drift.js';
import type { GitopsMirror } from '../../gitops/git/gitops-mirror.js';
import { withGitRevert } from '../../gitops/git/with-git-revert.js';
import type { PullRequestHostFactory } from '../../ports/pull-request-host.js';
import { revertPullRequestStep } from '../../gitops/git/revert-pull-request-step.js';

export interface KubernetesStrategyOptions {
  clusterFactory: KubernetesClusterFactory;
  /** Runs the smoke tests (locally). */
  commandRunner: CommandRunner;
  log: Logger;
  /** How often the monitor re-reads the Deployment besides watching it. Default 5 s. */
  pollIntervalMs?: number;
  /** Where GitOps holds are recorded for `/rollback release` (absent: the hold must be undone by hand). */
  gitopsHolds?: GitopsHolds;
  /** Alertmanager and Prometheus for `verify.alerts` / `verify.metrics`; absent: those checks are skipped. */
  monitoring?: MonitoringChecks;
  /** Builds registry clients; absent: no registry is ever asked (only history and `tags:` are known). */
  registryFactory?: ImageRegistryFactory;
  /** Credentials a service's `kubernetes.registry.credentialsEnv`/`credentialsFile` name (built in main). */
  configuredCredentials?: (registry: RegistrySection) => RegistryCredentialsLookup | undefined;
  /** The pre-check backups of earlier jobs, for the "restore from the backup" remedy (absent: refused). */
  backups?: DeploymentBackups;
  /** Where the digests images ran with are recorded and compared (absent: digests are not tracked). */
  imageDigests?: ImageDigests;
  /** Where the ConfigMaps and Secrets each version ran with are recorded (absent: no config drift check). */
  ranConfigs?: RanConfigs;
  /** Mirrors of the GitOps repositories (`gitops.git`): the commits to revert are named in the plan. */
  gitopsMirror?: GitopsMirror;
  /** The Git hosts where revert pull requests are opened (`gitops.git.pullRequests`; absent: none opened). */
  pullRequests?: PullRequestHostFactory;
}

function sectionOf(service: ServiceConfig): KubernetesSection {
  return strategySection(service, 'kubernetes');
}

/** Rolls a Kubernetes Deployment back, as `kubectl rollout undo` or `kubectl set image` would. */
export class KubernetesStrategy implements Strategy {
  readonly name = 'kubernetes';

  /** Each Deployment's selector as last read (it cannot change): later reads list by it at once. */
  private readonly selectors = new Map<string, SeenSelector>();

  constructor(private readonly options: KubernetesStrategyOptions) {}

  private seen(where: { context?: string | undefined; namespace: string; deployment: string }): SeenSelector {
    const key = JSON.stringify([where.context ?? '', where.namespace, where.deployment]);
    let seen = this.selectors.get(key);
    if (!seen) this.selectors.set(key, (seen = {}));
    return seen;
  }

  supports(service: ServiceConfig): boolean {
    return service.kubernetes !== undefined;
  }

  listVersions(service: ServiceConfig, options: StrategyCallOptions = {}): Promise<VersionEntry[]> {
    const section = sectionOf(service);
    const digests = this.options.imageDigests;
    return listKubernetesVersions(
      this.options.clusterFactory(section.context),
      section,
      options.signal,
      digests ? (image) => digests.ranWith(service.name, image) : undefined,
      this.seen(section),
    );
  }

  async resolve(
    service: ServiceConfig,
    request: RollbackRequest,
    options: StrategyCallOptions = {},
  ): Promise<ResolvedPlan> {
    const resolved = await this.resolveTarget(service, request, options);
    return withGitRevert(resolved, service, this.options.gitopsMirror, options.signal);
  }

  private resolveTarget(
    service: ServiceConfig,
    request: RollbackRequest,
    options: StrategyCallOptions,
  ): Promise<ResolvedPlan> {
    const section = sectionOf(service);
    const cluster = this.options.clusterFactory(section.context);
    const remedy = request.remedy;
    if (remedy)
      return resolveRemedyPlan(
        cluster,
        section,
        { ...request, remedy },
        {
          ...(this.options.backups ? { backups: this.options.backups } : {}),
          now: () => new Date(),
          ...(options.signal ? { signal: options.signal } : {}),
        },
      );
    return resolveKubernetesPlan(cluster, section, request, {
      service: service.name,
      config: service,
      registryFor: (podSpec) => this.registryFor(cluster, section, podSpec),
      ...(this.options.imageDigests ? { digests: this.options.imageDigests } : {}),
      ...this.configRecording(service),
      ...(options.signal ? { signal: options.signal } : {}),
      seen: this.seen(section),
    });
  }

  private configRecording(service: ServiceConfig): { configs?: ConfigRecording } {
    const configs = this.options.ranConfigs;
    return configs ? { configs: { configs, service: service.name } } : {};
  }

  /** The service's registry client: credentials from its configuration, its Secret, then imagePullSecrets. */
  private registryFor(
    cluster: KubernetesCluster,
    section: KubernetesSection,
    podSpec: V1PodSpec | undefined,
  ): ImageRegistry | undefined {
    const settings = section.registry;
    const factory = this.options.registryFactory;
    if (!settings || !factory) return undefined;
    const configured = this.options.configuredCredentials?.(settings);
    const credentials = serviceRegistryCredentials({
      cluster,
      namespace: section.namespace,
      podSpec,
      useImagePullSecrets: settings.useImagePullSecrets,
      ...(settings.credentialsSecretName ? { credentialsSecretName: settings.credentialsSecretName } : {}),
      ...(configured ? { configured } : {}),
    });
    return factory({ credentials, insecure: settings.insecure });
  }

  steps(service: ServiceConfig, target: Record<string, unknown>): RollbackStep[] {
    const section = sectionOf(service);
    const parsed = parseKubernetesTarget(target);
    const cluster = this.options.clusterFactory(parsed.context);
    const deps = {
      cluster,
      commandRunner: this.options.commandRunner,
      target: parsed,
      where: clusterWhere(cluster, parsed.namespace),
      pollIntervalMs: this.options.pollIntervalMs ?? 5_000,
      ...(this.options.monitoring ? { monitoring: this.options.monitoring } : {}),
      registryFor: (podSpec: V1PodSpec | undefined) => this.registryFor(cluster, section, podSpec),
      registryTimeoutSeconds: section.registry?.timeout ?? 10,
      ...(this.options.backups ? { backups: this.options.backups } : {}),
      ...(this.options.imageDigests
        ? { digests: { digests: this.options.imageDigests, service: service.name } }
        : {}),
      ...this.configRecording(service),
      seen: this.seen(parsed),
    };
    const hold = parsed.gitops
      ? [
          holdGitopsStep({
            cluster,
            hold: parsed.gitops,
            holds: this.options.gitopsHolds,
            context: parsed.context,
            ...(parsed.revert ? { revert: parsed.revert } : {}),
          }),
        ]
      : [];
    return [
      identifyStep(deps),
      precheckStep(deps),
      ...hold,
      rollbackStep(deps),
      monitorStep(deps, section.rolloutTimeout),
      verifyStep(deps),
      ...this.revertSteps(service, parsed),
    ];
  }

  /** Opens the revert pull request last, when the plan named commits and the service has a Git host. */
  private revertSteps(service: ServiceConfig, target: KubernetesTarget): RollbackStep[] {
    const settings = service.gitops?.git?.pullRequests;
    const { gitopsMirror: mirror, pullRequests } = this.options;
    if (!target.revert || target.revert.commits.length === 0 || !settings || !mirror || !pullRequests)
      return [];
    return [
      revertPullRequestStep({
        mirror,
        host: pullRequests(settings),
        settings,
        revert: target.revert,
        ...(this.options.gitopsHolds ? { holds: this.options.gitopsHolds } : {}),
      }),
    ];
  }
}
