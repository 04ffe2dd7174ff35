import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MANIFESTS, ofKind, renderOverlay, type Manifest } from '../support/kustomize.js';

interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: { httpGet?: { path: string; port: string } };
  readinessProbe?: { httpGet?: { path: string; port: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}

interface PodSpec {
  serviceAccountName?: string;
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type: string } };
  containers: Container[];
  volumes?: { name: string; emptyDir?: object; configMap?: { name: string } }[];
}

type Deployment = Manifest & {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
};

const OVERLAYS: Record<string, Record<string, number>> = {
  'overlays/all-in-one': {
    Namespace: 1,
    ConfigMap: 2,
    ServiceAccount: 2,
    Deployment: 2,
    Service: 2,
    PodDisruptionBudget: 2,
    NetworkPolicy: 2,
    Role: 1,
    RoleBinding: 1,
    ServiceMonitor: 2,
  },
  'overlays/web-and-workers': {
    Namespace: 1,
    ConfigMap: 2,
    ServiceAccount: 1,
    Deployment: 1,
    Service: 1,
    PodDisruptionBudget: 1,
    NetworkPolicy: 1,
    ServiceMonitor: 1,
  },
  'overlays/web-and-workers/worker': {
    Namespace: 1,
    ConfigMap: 2,
    ServiceAccount: 1,
    Deployment: 1,
    Service: 1,
    PodDisruptionBudget: 1,
    NetworkPolicy: 1,
    Role: 1,
    RoleBinding: 1,
    ServiceMonitor: 1,
  },
};

function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}

/** The hardening and wiring every Deployment must have; one line per problem. */
function deploymentProblems(deployment: Deployment, rendered: Manifest[]): string[] {
  const problems: string[] = [];
  const name = deployment.metadata.name;
  const pod = deployment.spec.template.spec;
  if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${name}: runAsNonRoot`);
  if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') problems.push(`${name}: seccomp`);
  const configMaps = new Set(ofKind(rendered, 'ConfigMap').map((m) => m.metadata.name));
  for (const volume of pod.volumes ?? []) {
    if (volume.configMap && !configMaps.has(volume.configMap.name))
      problems.push(`${name}: volume ${volume.name} names a ConfigMap that is not rendered`);
  }
  for (const container of pod.containers) {
    const where = `${name}/${container.name}`;
    const sc = container.securityContext;
    if (sc?.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation`);
    if (sc?.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem`);
    if (!sc?.capabilities?.drop?.includes('ALL')) problems.push(`${where}: capabilities.drop ALL`);
    for (const bound of ['requests', 'limits'] as const) {
      for (const resource of ['cpu', 'memory']) {
        if (!container.resources?.[bound]?.[resource])
          problems.push(`${where}: resources.${bound}.${resource}`);
      }
    }
    for (const path of ['/tmp', '/app/.data']) {
      const mount = container.volumeMounts?.find((m) => m.mountPath === path);
      const volume = pod.volumes?.find((v) => v.name === mount?.name);
      if (!volume?.emptyDir) problems.push(`${where}: no writable emptyDir at ${path}`);
    }
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef && !configMaps.has(from.configMapRef.name))
        problems.push(`${where}: envFrom names a ConfigMap that is not rendered`);
    }
  }
  return problems;
}

describe('kustomize overlays render (kubectl kustomize) and hold together', () => {
  it.each(Object.entries(OVERLAYS))('%s renders the expected objects', async (overlay, kinds) => {
    const rendered = await renderOverlay(overlay);
    const counted: Record<string, number> = {};
    for (const m of rendered) counted[m.kind] = (counted[m.kind] ?? 0) + 1;
    expect(counted).toEqual(kinds);
    // No Secret is ever generated: you create it (secret.example.yaml) or your secret manager does.
    expect(ofKind(rendered, 'Secret')).toEqual([]);
  });

  it.each(Object.keys(OVERLAYS))(
    '%s: Deployments are hardened, sized and wired to what is rendered',
    async (overlay) => {
      const rendered = await renderOverlay(overlay);
      for (const deployment of ofKind(rendered, 'Deployment') as Deployment[]) {
        expect(deploymentProblems(deployment, rendered), deployment.metadata.name).toEqual([]);
        const container = deployment.spec.template.spec.containers[0]!;
        expect(container.image).toMatch(/^ghcr\.io\/your-org\/rollback-bot:/);
        const env = (name: string) => container.env?.find((e) => e.name === name)?.value;
        const role = env('ROLE');
        expect(role).toBe(deployment.metadata.labels?.['app.kubernetes.io/component']);
        // Web and worker pods alike answer their probes (a worker on WORKER_HTTP_PORT).
        expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
        expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
        if (role === 'web') {
          expect(env('PLAN_ON_WORKERS')).toBe('true');
        } else {
          expect(container.ports).toEqual([{ name: 'http', containerPort: 3001 }]);
          expect(env('WORKER_HTTP_HOST')).toBe('0.0.0.0');
          expect(env('WORKER_SITES')).toMatch(/^[a-z0-9][a-z0-9-]*(,[a-z0-9][a-z0-9-]*)*$/);
          // The shutdown grace period ends before Kubernetes kills the pod.
          const grace = (
            deployment.spec.template.spec as PodSpec & { terminationGracePeriodSeconds?: number }
          ).terminationGracePeriodSeconds;
          expect(Number(env('SHUTDOWN_GRACE_MS'))).toBeLessThan((grace ?? 30) * 1000);
          // Workers get Redis credentials from the Secret, never the whole Secret (Slack tokens).
          expect(container.envFrom?.some((f) => f.secretRef)).toBe(false);
          const keys = (container.env ?? []).flatMap((e) => e.valueFrom?.secretKeyRef?.key ?? []);
          expect(keys.every((key) => key.startsWith('REDIS_'))).toBe(true);
        }
      }
    },
  );

  it.each(Object.keys(OVERLAYS))(
    '%s: selectors, bindings and the ServiceMonitor find their targets',
    async (overlay) => {
      const rendered = await renderOverlay(overlay);
      const pods = (ofKind(rendered, 'Deployment') as Deployment[]).map(
        (d) => d.spec.template.metadata.labels,
      );
      for (const kind of ['PodDisruptionBudget', 'NetworkPolicy', 'Service']) {
        for (const m of ofKind(rendered, kind)) {
          const spec = m['spec'] as {
            selector?: { matchLabels?: Record<string, string> } | Record<string, string>;
            podSelector?: { matchLabels: Record<string, string> };
          };
          const selector =
            kind === 'Service'
              ? (spec.selector as Record<string, string>)
              : (spec.podSelector ?? (spec.selector as { matchLabels: Record<string, string> })).matchLabels;
          expect(
            pods.some((labels) => selects(selector, labels)),
            `${kind} ${m.metadata.name}`,
          ).toBe(true);
        }
      }
      const accounts = new Set(
        ofKind(rendered, 'ServiceAccount').map((m) => `${m.metadata.namespace}/${m.metadata.name}`),
      );
      for (const binding of ofKind(rendered, 'RoleBinding')) {
        const { roleRef, subjects } = binding as Manifest & {
          roleRef: { name: string };
          subjects: { name: string; namespace: string }[];
        };
        const role = ofKind(rendered, 'Role').find(
          (r) => r.metadata.name === roleRef.name && r.metadata.namespace === binding.metadata.namespace,
        );
        expect(role, binding.metadata.name).toBeDefined();
        for (const subject of subjects)
          expect(accounts.has(`${subject.namespace}/${subject.name}`), subject.name).toBe(true);
      }
      for (const monitor of ofKind(rendered, 'ServiceMonitor')) {
        const spec = monitor['spec'] as {
          selector: { matchLabels: Record<string, string> };
          endpoints: { port: string; path: string }[];
        };
        const service = ofKind(rendered, 'Service').find((s) =>
          selects(spec.selector.matchLabels, s.metadata.labels ?? {}),
        );
        const ports = (service?.['spec'] as { ports: { name: string }[] } | undefined)?.ports.map(
          (p) => p.name,
        );
        expect(ports).toContain(spec.endpoints[0]?.port);
        expect(spec.endpoints[0]?.path).toBe('/metrics');
      }
    },
  );

  it('the Secret example holds placeholders only, and names the keys the Deployments read', async () => {
    const example = parse(await readFile(`${MANIFESTS}base/common/secret.example.yaml`, 'utf8')) as {
      kind: string;
      stringData: Record<string, string>;
    };
    expect(example.kind).toBe('Secret');
    for (const [key, value] of Object.entries(example.stringData)) {
      if (key !== 'REDIS_USERNAME') expect(value, key).toMatch(/REPLACE-ME/);
    }
    const worker = (
      ofKind(await renderOverlay('overlays/web-and-workers/worker'), 'Deployment') as Deployment[]
    )[0]!;
    const keys = (worker.spec.template.spec.containers[0]!.env ?? []).flatMap(
      (e) => e.valueFrom?.secretKeyRef?.key ?? [],
    );
    for (const key of keys.filter((k) => k !== 'REDIS_SENTINEL_PASSWORD'))
      expect(Object.keys(example.stringData)).toContain(key);
  });
});
