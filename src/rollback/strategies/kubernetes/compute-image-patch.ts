import type { V1Container, V1Deployment } from '@kubernetes/client-node';

/**
 * What `kubectl set image deployment/x <container>=<image>` sends: a strategic merge patch built by
 * CreateTwoWayMergePatch, which lists the changed container by its merge key (name) and keeps the
 * containers' order with a `$setElementOrder/<list>` directive. Keys are in Go's (sorted) order.
 */
export type ImagePatchResult =
  | { kind: 'patch'; patch: Record<string, unknown>; previousImage: string | undefined }
  | { kind: 'unchanged'; previousImage: string | undefined }
  | { kind: 'missing_container'; message: string };

type ListName = 'containers' | 'initContainers';

export function computeImagePatch(
  deployment: V1Deployment,
  container: string,
  image: string,
): ImagePatchResult {
  const spec = deployment.spec?.template?.spec;
  const lists: [ListName, readonly V1Container[]][] = [
    ['initContainers', spec?.initContainers ?? []],
    ['containers', spec?.containers ?? []],
  ];
  const specPatch: Record<string, unknown> = {};
  let found = false;
  let previousImage: string | undefined;
  for (const [name, list] of lists) {
    const match = list.find((c) => c.name === container);
    if (!match) continue;
    found = true;
    if (name === 'containers' || previousImage === undefined) previousImage = match.image;
    if (match.image === image) continue;
    specPatch[`$setElementOrder/${name}`] = list.map((c) => ({ name: c.name }));
    specPatch[name] = [{ image, name: container }];
  }
  if (!found) return { kind: 'missing_container', message: `unable to find container named "${container}"` };
  if (Object.keys(specPatch).length === 0) return { kind: 'unchanged', previousImage };
  const ordered = Object.fromEntries(
    Object.entries(specPatch).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return { kind: 'patch', patch: { spec: { template: { spec: ordered } } }, previousImage };
}
