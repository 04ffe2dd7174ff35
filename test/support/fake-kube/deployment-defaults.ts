import { canonicalJson } from './canonical-json.js';
import { labelSelectorMatcher } from './selectors.js';
import type { ContainerWire, DeploymentWire, PodTemplateWire } from './wire-types.js';

/** The defaults kube-apiserver fills into an apps/v1 Deployment on every write. */
export function defaultDeployment(deployment: DeploymentWire): DeploymentWire {
  const spec = deployment.spec;
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  defaultPodTemplate(spec.template);
  return deployment;
}

export function defaultPodTemplate(template: PodTemplateWire): PodTemplateWire {
  const spec = template.spec;
  spec['restartPolicy'] ??= 'Always';
  spec['terminationGracePeriodSeconds'] ??= 30;
  spec['dnsPolicy'] ??= 'ClusterFirst';
  spec['securityContext'] ??= {};
  spec['schedulerName'] ??= 'default-scheduler';
  for (const container of [
    ...(spec.containers ?? []),
    ...((spec['initContainers'] as ContainerWire[] | undefined) ?? []),
  ]) {
    defaultContainer(container);
  }
  return template;
}

function defaultContainer(container: ContainerWire): void {
  container['terminationMessagePath'] ??= '/dev/termination-log';
  container['terminationMessagePolicy'] ??= 'File';
  container['imagePullPolicy'] ??= pullPolicyFor(container.image);
  container['resources'] ??= {};
  const ports = container['ports'];
  if (Array.isArray(ports)) for (const port of ports as Record<string, unknown>[]) port['protocol'] ??= 'TCP';
}

function pullPolicyFor(image: string | undefined): string {
  if (!image) return 'IfNotPresent';
  const lastPart = image.split('/').pop() ?? image;
  if (lastPart.includes('@')) return 'IfNotPresent';
  const tag = lastPart.includes(':') ? lastPart.split(':').pop() : undefined;
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** The validation kube-apiserver would refuse a Deployment write for (the subset that matters here). */
export function validateDeployment(deployment: DeploymentWire, previous?: DeploymentWire): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const name = deployment.metadata.name;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name ?? '')) {
    problems.push({
      field: 'metadata.name',
      message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    });
  }
  const spec = deployment.spec;
  if (!spec?.selector || canonicalJson(spec.selector, true) === '{}') {
    problems.push({ field: 'spec.selector', message: 'Required value' });
  } else if (
    !labelSelectorMatcher(spec.selector)({
      metadata: { name, labels: spec.template?.metadata?.labels ?? {} },
    })
  ) {
    problems.push({
      field: 'spec.template.metadata.labels',
      message: `Invalid value: ${JSON.stringify(spec.template?.metadata?.labels ?? {})}: \`selector\` does not match template \`labels\``,
    });
  }
  if (previous && canonicalJson(previous.spec.selector, true) !== canonicalJson(spec?.selector, true)) {
    problems.push({
      field: 'spec.selector',
      message: `Invalid value: ${JSON.stringify(spec?.selector)}: field is immutable`,
    });
  }
  if ((spec?.replicas ?? 0) < 0)
    problems.push({ field: 'spec.replicas', message: 'Invalid value: must be greater than or equal to 0' });
  const containers = spec?.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    problems.push({ field: 'spec.template.spec.containers', message: 'Required value' });
  } else {
    containers.forEach((c, i) => {
      if (!c.name)
        problems.push({ field: `spec.template.spec.containers[${i}].name`, message: 'Required value' });
      if (!c.image)
        problems.push({ field: `spec.template.spec.containers[${i}].image`, message: 'Required value' });
    });
  }
  return problems;
}
