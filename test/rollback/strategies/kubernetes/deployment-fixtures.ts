import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';

export const DEPLOYMENT_UID = '5b0c7a2e-1f4d-4c1a-9b7e-0d6c1a2b3c4d';

export function podTemplate(image: string, extra: { hash?: string; env?: string } = {}): V1PodTemplateSpec {
  return {
    metadata: {
      labels: { app: 'kaizen', ...(extra.hash ? { 'pod-template-hash': extra.hash } : {}) },
      annotations: { 'prometheus.io/scrape': 'true' },
    },
    spec: {
      containers: [
        {
          name: 'kaizen',
          image,
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'LOG_LEVEL', value: extra.env ?? 'info' }],
          resources: { limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 5 },
        },
        { name: 'envoy', image: 'envoyproxy/envoy:v1.31.0' },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
    },
  };
}

export function deployment(
  image: string,
  options: { revision?: number; paused?: boolean; annotations?: Record<string, string> } = {},
): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'kaizen',
      namespace: 'prod',
      uid: DEPLOYMENT_UID,
      generation: 7,
      resourceVersion: '48213',
      annotations: {
        'deployment.kubernetes.io/revision': String(options.revision ?? 5),
        'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
        'kubernetes.io/change-cause': 'deploy v0.8.0',
        ...options.annotations,
      },
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'kaizen' } },
      template: podTemplate(image),
      ...(options.paused ? { paused: true } : {}),
    },
    status: {
      observedGeneration: 7,
      replicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      readyReplicas: 3,
    },
  };
}

export function replicaSet(
  hash: string,
  revision: number | undefined,
  image: string,
  options: { created?: string; owner?: string; changeCause?: string; env?: string } = {},
): V1ReplicaSet {
  const annotations: Record<string, string> = {
    'deployment.kubernetes.io/desired-replicas': '3',
    'deployment.kubernetes.io/max-replicas': '4',
    'kubernetes.io/change-cause': options.changeCause ?? `deploy ${image}`,
  };
  if (revision !== undefined) annotations['deployment.kubernetes.io/revision'] = String(revision);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `kaizen-${hash}`,
      namespace: 'prod',
      uid: `rs-${hash}`,
      creationTimestamp: new Date(options.created ?? `2026-01-0${revision ?? 1}T10:00:00Z`),
      labels: { app: 'kaizen', 'pod-template-hash': hash },
      annotations,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'kaizen',
          uid: options.owner ?? DEPLOYMENT_UID,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'kaizen', 'pod-template-hash': hash } },
      template: podTemplate(image, { hash, ...(options.env ? { env: options.env } : {}) }),
    },
  };
}

/** Revisions 3 (v0.7.0), 4 (v0.7.5) and 5 (v0.8.0, current) of kaizen, plus a foreign ReplicaSet. */
export function history(): { deployment: V1Deployment; replicaSets: V1ReplicaSet[] } {
  return {
    deployment: deployment('registry.example.com/kaizen:v0.8.0'),
    replicaSets: [
      replicaSet('7d9f8b6c5', 5, 'registry.example.com/kaizen:v0.8.0'),
      replicaSet('5c8d7e9f1', 3, 'registry.example.com/kaizen:v0.7.0'),
      replicaSet('6f7a8b9c2', 4, 'registry.example.com/kaizen:v0.7.5'),
      replicaSet('9a9a9a9a9', 9, 'registry.example.com/other:v1', { owner: 'someone-else' }),
    ],
  };
}
