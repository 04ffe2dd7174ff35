/**
 * A stand-in for a GitOps controller (Argo CD with automated sync, Flux's kustomize controller): every
 * `intervalMs` it puts the image Git declares back on the Deployment, unless its Application has no
 * automated sync or its Kustomization/HelmRelease is suspended, as the real ones do.
 */
import type { FakeKube } from './index.js';

export interface FakeGitopsControllerOptions {
  /** The object whose sync settings it obeys: ["applications", "argocd", "kaizen"]. */
  object: [resource: 'applications' | 'kustomizations' | 'helmreleases', namespace: string, name: string];
  deployment: { namespace: string; name: string; container: string };
  /** The image Git declares (the bad one). */
  image: string;
  intervalMs?: number;
  /** The field manager its writes are recorded under (managedFields), as Argo CD's or Flux's controller. */
  manager?: string;
}

export interface FakeGitopsController {
  /** How many times it put the Git image back. */
  syncs(): number;
  stop(): void;
}

export function startFakeGitopsController(
  fake: FakeKube,
  options: FakeGitopsControllerOptions,
): FakeGitopsController {
  let syncs = 0;
  const [resource, namespace, name] = options.object;
  const { deployment } = options;
  const timer = setInterval(() => {
    const object = fake.customObject(resource, namespace, name);
    const spec = (object?.['spec'] ?? {}) as { suspend?: boolean; syncPolicy?: { automated?: unknown } };
    const active = resource === 'applications' ? spec.syncPolicy?.automated != null : spec.suspend !== true;
    if (!object || !active) return;
    const current = fake.deployment(deployment.namespace, deployment.name);
    const image = current.spec?.template.spec?.containers.find((c) => c.name === deployment.container)?.image;
    if (image === options.image) return;
    fake.setImage(
      deployment.namespace,
      deployment.name,
      deployment.container,
      options.image,
      options.manager,
    );
    syncs += 1;
  }, options.intervalMs ?? 50);
  return { syncs: () => syncs, stop: () => clearInterval(timer) };
}
