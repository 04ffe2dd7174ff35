/**
 * What kube-apiserver does to an object before storing a write through the main resource: defaulting,
 * validation, keeping status and server-owned metadata, and the optimistic-concurrency check.
 */
import { badRequest, conflict, invalid } from './api-status.js';
import { prepareConfigMap, prepareSecret } from './config-objects.js';
import { defaultDeployment, defaultPodTemplate, validateDeployment } from './deployment-defaults.js';
import type { ResourceType } from './resource-types.js';
import type { DeploymentWire, KubeObject, ReplicaSetWire } from './wire-types.js';

/** Applies defaults and validation for a create (previous undefined) or an update of the main resource. */
export function prepareWrite(type: ResourceType, object: KubeObject, previous?: KubeObject): KubeObject {
  const prepared = structuredClone(object);
  if (typeof prepared.metadata !== 'object' || prepared.metadata === null)
    throw badRequest('Object has no metadata');
  if (previous) {
    prepared['status'] = structuredClone(previous['status']);
    prepared.metadata.uid = previous.metadata.uid;
    prepared.metadata.creationTimestamp = previous.metadata.creationTimestamp;
    prepared.metadata.generation = previous.metadata.generation;
  } else {
    delete prepared['status'];
  }
  if (type.resource === 'deployments') {
    const deployment = defaultDeployment(prepared as DeploymentWire);
    const problems = validateDeployment(deployment, previous as DeploymentWire | undefined);
    if (problems.length > 0) throw invalid(type.kind, deployment.metadata.name, type.group, problems);
    if (!previous) deployment.status = {};
  }
  if (type.resource === 'secrets') return prepareSecret(prepared, previous);
  if (type.resource === 'configmaps') return prepareConfigMap(prepared, previous);
  if (type.resource === 'replicasets' && (prepared as ReplicaSetWire).spec?.template) {
    defaultPodTemplate((prepared as ReplicaSetWire).spec.template);
  }
  return prepared;
}

/** 409 Conflict when the write carries a resourceVersion other than the stored one. */
export function checkResourceVersion(type: ResourceType, written: KubeObject, stored: KubeObject): void {
  const rv = written.metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== stored.metadata.resourceVersion) {
    throw conflict({ resource: type.resource, group: type.group, name: stored.metadata.name });
  }
}

export function checkName(written: KubeObject, urlName: string): void {
  if (written.metadata.name !== undefined && written.metadata.name !== urlName) {
    throw badRequest(
      `the name of the object (${written.metadata.name}) does not match the name on the URL (${urlName})`,
    );
  }
}
