/**
 * The REST verbs on stored resources: get, list, create, update (PUT), patch, delete, plus the status and
 * scale subresources. Watches and pod logs live in their own modules; this one returns plain JSON replies.
 */
import {
  alreadyExists,
  badRequest,
  methodNotAllowed,
  notFound,
  unprocessable,
  unsupportedMediaType,
} from './api-status.js';
import { applyMergePatch } from './json-merge-patch.js';
import { applyJsonPatch, PatchError } from './json-patch.js';
import type { ObjectStore } from './object-store.js';
import { randomSuffix } from './pod-template-hash.js';
import { apiVersionOf, RESOURCE_TYPES, type ResourceType } from './resource-types.js';
import {
  labelSelectorString,
  parseFieldSelector,
  parseLabelSelector,
  SelectorParseError,
} from './selectors.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';
import type { DeploymentWire, KubeObject } from './wire-types.js';
import { checkName, checkResourceVersion, prepareWrite } from './write-preparation.js';

export interface ResourceRequest {
  method: string;
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  query: URLSearchParams;
  contentType: string;
  body: unknown;
}

export interface JsonReply {
  status: number;
  body: unknown;
}

export class ResourceHandlers {
  constructor(private readonly store: ObjectStore) {}

  handle(req: ResourceRequest): JsonReply {
    const { method, name, subresource } = req;
    if (name === undefined) {
      if (method === 'GET') return { status: 200, body: this.list(req) };
      if (method === 'POST') return { status: 201, body: this.create(req) };
      throw methodNotAllowed(method.toLowerCase());
    }
    if (subresource === 'scale') return { status: 200, body: this.scale(req, name) };
    if (method === 'GET') return { status: 200, body: this.mustGet(req.type, req.namespace, name) };
    if (method === 'PUT') return { status: 200, body: this.update(req, name, req.body as KubeObject) };
    if (method === 'PATCH') {
      // Like the API server for a CRD: no strategic merge patch (kubectl falls back to a merge patch).
      if (req.type.custom && req.contentType.startsWith('application/strategic-merge-patch+json'))
        throw unsupportedMediaType(
          'application/strategic-merge-patch+json',
          'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
        );
      const current = this.mustGet(req.type, req.namespace, name);
      return { status: 200, body: this.update(req, name, applyPatch(current, req.contentType, req.body)) };
    }
    if (method === 'DELETE') return { status: 200, body: this.delete(req, name) };
    throw methodNotAllowed(method.toLowerCase());
  }

  mustGet(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    if (type.resource === 'namespaces') return namespaceObject(name);
    const found = this.store.get(type.resource, namespace, name);
    if (!found) throw notFound({ resource: type.resource, group: type.group, name });
    return found;
  }

  /** The objects a GET addresses: the named one, or the collection filtered by the selectors. */
  select(req: ResourceRequest): KubeObject[] {
    if (req.name !== undefined) return [this.mustGet(req.type, req.namespace, req.name)];
    if (req.type.resource === 'namespaces')
      return this.namespaceNames().map(namespaceObject).filter(matcherFor(req.query));
    return this.store.list(req.type.resource, req.namespace).filter(matcherFor(req.query));
  }

  private list(req: ResourceRequest): unknown {
    const { type } = req;
    const items = this.select(req);
    return {
      kind: `${type.kind}List`,
      apiVersion: apiVersionOf(type),
      metadata: { resourceVersion: this.store.resourceVersion },
      items: items.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest),
    };
  }

  private create(req: ResourceRequest): KubeObject {
    const object = req.body as KubeObject;
    if (object?.metadata?.name === undefined && typeof object?.metadata?.generateName === 'string') {
      object.metadata.name = `${object.metadata.generateName}${randomSuffix()}`;
    }
    if (!object?.metadata?.name)
      throw unprocessable(
        `${req.type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
      );
    object.metadata.namespace = req.namespace;
    if (this.store.get(req.type.resource, req.namespace, object.metadata.name)) {
      throw alreadyExists({ resource: req.type.resource, group: req.type.group, name: object.metadata.name });
    }
    if (req.query.get('dryRun') === 'All') return prepareWrite(req.type, object);
    return this.store.create(req.type.resource, prepareWrite(req.type, object));
  }

  private update(req: ResourceRequest, name: string, written: KubeObject): KubeObject {
    if (req.type.resource === 'namespaces') throw methodNotAllowed('update');
    const current = this.mustGet(req.type, req.namespace, name);
    if (typeof written !== 'object' || written === null || typeof written.metadata !== 'object')
      throw badRequest('Object has no metadata');
    checkName(written, name);
    checkResourceVersion(req.type, written, current);
    written.metadata.namespace = req.namespace;
    let next: KubeObject;
    if (req.subresource === 'status') {
      next = { ...structuredClone(current), status: structuredClone(written['status']) };
    } else {
      next = prepareWrite(req.type, written, current);
    }
    if (req.query.get('dryRun') === 'All') return next;
    return this.store.update(req.type.resource, next, { statusOnly: req.subresource === 'status' });
  }

  private delete(req: ResourceRequest, name: string): unknown {
    const current = this.mustGet(req.type, req.namespace, name);
    this.store.delete(req.type.resource, req.namespace, name);
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: {
        name,
        ...(req.type.group ? { group: req.type.group } : {}),
        kind: req.type.resource,
        uid: current.metadata.uid,
      },
    };
  }

  /** The autoscaling/v1 Scale view of a Deployment. */
  private scale(req: ResourceRequest, name: string): unknown {
    if (req.type.resource !== 'deployments')
      throw notFound({ resource: req.type.resource, group: req.type.group, name });
    const deployment = this.mustGet(req.type, req.namespace, name) as DeploymentWire;
    const view = scaleOf(deployment);
    if (req.method === 'GET') return view;
    const written = (
      req.method === 'PATCH' ? applyPatch(view as KubeObject, req.contentType, req.body) : req.body
    ) as { spec?: { replicas?: number } };
    const replicas = written.spec?.replicas;
    if (typeof replicas !== 'number' || replicas < 0)
      throw unprocessable(
        'Scale.autoscaling "" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0',
      );
    deployment.spec.replicas = replicas;
    return scaleOf(this.store.update('deployments', deployment));
  }

  private namespaceNames(): string[] {
    const names = new Set(['default', 'kube-system', 'kube-public']);
    for (const { resource } of RESOURCE_TYPES.filter((t) => t.namespaced)) {
      for (const o of this.store.list(resource)) if (o.metadata.namespace) names.add(o.metadata.namespace);
    }
    return [...names].sort();
  }
}

export function matcherFor(query: URLSearchParams): (o: KubeObject) => boolean {
  try {
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'));
    return (o) => labels(o) && fields(o);
  } catch (error) {
    if (error instanceof SelectorParseError) throw badRequest(error.message);
    throw error;
  }
}

function applyPatch(current: KubeObject, contentType: string, patch: unknown): KubeObject {
  const type = contentType.split(';')[0]?.trim() ?? '';
  try {
    if (type === 'application/json-patch+json') return applyJsonPatch(current, patch);
    if (type === 'application/merge-patch+json') return applyMergePatch(current, patch) as KubeObject;
    if (type === 'application/strategic-merge-patch+json') return applyStrategicMergePatch(current, patch);
  } catch (error) {
    if (error instanceof PatchError)
      throw unprocessable(`the server rejected our request due to an error in our request: ${error.message}`);
    throw error;
  }
  throw unsupportedMediaType(type);
}

function scaleOf(deployment: DeploymentWire): KubeObject {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = deployment.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: deployment.spec.replicas ?? 1 },
    status: {
      replicas: deployment.status?.replicas ?? 0,
      selector: labelSelectorString(deployment.spec.selector),
    },
  };
}

function namespaceObject(name: string): KubeObject {
  return {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: {
      name,
      uid: `00000000-0000-0000-0000-${Buffer.from(name).toString('hex').padEnd(12, '0').slice(0, 12)}`,
      resourceVersion: '1',
      creationTimestamp: '2025-01-01T00:00:00Z',
      labels: { 'kubernetes.io/metadata.name': name },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}
