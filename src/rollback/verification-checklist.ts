import type { ServiceConfig } from '../config/service-schema.js';
import { checklist, code, collectBundle, hostNames, item } from './checklists.js';
import type { RollbackPlan } from './plan.js';
import type { Checklist, ChecklistItem } from './progress-snapshot.js';
import { preRollbackDir } from './strategies/files/files-section.js';

/**
 * What to verify by hand after a successful rollback, with the service's names and commands filled in:
 * the Kubernetes runbook's "Verification Steps" for `kubernetes` and `helm`, the host runbook's "After
 * Rollback" for the host strategies (only the checks that apply: no unit, no systemctl line).
 */
export function verificationChecklist(
  service: ServiceConfig,
  plan: Pick<RollbackPlan, 'strategy' | 'to' | 'jobId'>,
): Checklist {
  const checks = clusterChecks(service, plan.strategy) ?? hostChecks(service, plan);
  return checklist('verify', 'Verify the rollback', [...checks, ...serviceChecks(service, plan.strategy)]);
}

/** Pods and logs, for the strategies that change a cluster; undefined for host strategies. */
function clusterChecks(service: ServiceConfig, strategy: string): ChecklistItem[] | undefined {
  if (strategy === 'kubernetes' && service.kubernetes) {
    const { deployment, namespace, container, context } = service.kubernetes;
    const where = `-n ${namespace}${context ? ` --context ${context}` : ''}`;
    return [
      item(
        'pods-healthy',
        `All pods are running and healthy: ${code(`kubectl rollout status deployment/${deployment} ${where}`)}`,
      ),
      item(
        'logs-clean',
        `No error logs in pod output: ${code(`kubectl logs deployment/${deployment} -c ${container} ${where} --tail=100`)}`,
      ),
    ];
  }
  if (strategy === 'helm' && service.helm) {
    const { release, namespace, kubeContext } = service.helm;
    const where = `-n ${namespace}${kubeContext ? ` --kube-context ${kubeContext}` : ''}`;
    const pods = `-n ${namespace}${kubeContext ? ` --context ${kubeContext}` : ''} -l app.kubernetes.io/instance=${release}`;
    return [
      item(
        'release-deployed',
        `The release is deployed at its new revision: ${code(`helm status ${release} ${where}`)}`,
      ),
      item(
        'pods-healthy',
        `All pods of the release are running and healthy: ${code(`kubectl get pods ${pods}`)}`,
      ),
      item('logs-clean', `No error logs in pod output: ${code(`kubectl logs ${pods} --tail=100`)}`),
    ];
  }
  return undefined;
}

/** The host runbook's "After Rollback": the unit, its journal, the version in place, the bundles. */
function hostChecks(
  service: ServiceConfig,
  plan: Pick<RollbackPlan, 'strategy' | 'to' | 'jobId'>,
): ChecklistItem[] {
  const on = hostNames(service);
  const unit = unitOf(service, plan.strategy);
  return [
    versionCheck(service, plan, on),
    unit
      ? item('unit-active', `${code(`systemctl status ${unit}`)} shows the unit active on ${on}`)
      : undefined,
    unit
      ? item(
          'journal-clean',
          `${code(`journalctl -u ${unit} -n 20 --no-pager`)} shows no new errors on ${on}`,
        )
      : undefined,
    item('bundle-post-rollback', `Collect the post-rollback bundle: ${collectBundle(service)}`),
    item(
      'bundle-compare',
      'Compare it with the pre-deploy bundle: things should look as they did before the failed deploy',
    ),
  ].filter((check): check is ChecklistItem => check !== undefined);
}

/** Where the strategy's own tool shows that the rollback is in place. */
function versionCheck(
  service: ServiceConfig,
  plan: Pick<RollbackPlan, 'strategy' | 'to' | 'jobId'>,
  on: string,
): ChecklistItem | undefined {
  const shows = (command: string) => item('version-in-place', `${code(command)} shows ${plan.to} on ${on}`);
  switch (plan.strategy) {
    case 'apt':
      return service.apt && shows(`apt-cache policy ${service.apt.package}`);
    case 'yum':
      return service.yum && shows(`yum list installed ${service.yum.package}`);
    case 'git':
      return service.git && shows(`git -C ${service.git.path} describe --tags --always`);
    case 'files':
      return (
        service.files &&
        item(
          'version-in-place',
          `${code(service.files.path)} holds the restored files (${plan.to}) on ${on}; the replaced ones are saved under ${code(preRollbackDir(service.files, plan.jobId))}`,
        )
      );
    case 'compose': {
      const compose = service.compose;
      return (
        compose && shows(`docker compose -f ${compose.file} -p ${compose.project} images ${compose.service}`)
      );
    }
    default:
      return undefined;
  }
}

function unitOf(service: ServiceConfig, strategy: string): string | undefined {
  switch (strategy) {
    case 'apt':
      return service.apt?.unit;
    case 'yum':
      return service.yum?.unit;
    case 'git':
      return service.git?.unit;
    case 'files':
      return service.files?.unit;
    case 'compose':
      return service.compose?.unit;
    default:
      return undefined;
  }
}

/** Health, workflows (the smoke test when there is one), metrics and alerts: every strategy. */
function serviceChecks(service: ServiceConfig, strategy: string): ChecklistItem[] {
  const { healthUrl, expectStatus, smoke } = service.verify;
  const kubernetes = strategy === 'kubernetes' || strategy === 'helm';
  return [
    item(
      'health',
      healthUrl
        ? `The health endpoint ${code(healthUrl)} answers ${expectStatus}`
        : `The health endpoint answers ${expectStatus} OK`,
    ),
    item(
      'workflows',
      smoke
        ? `Key workflows execute successfully (the smoke test: ${code(smoke.command.join(' '))})`
        : 'Key workflows execute successfully',
    ),
    ...(kubernetes
      ? [item('metrics', 'Metrics are being collected'), item('alerts', 'Alerts are not firing')]
      : [item('alerts', 'Alerts are not firing')]),
  ];
}
