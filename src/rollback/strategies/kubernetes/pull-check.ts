import type { V1PodSpec } from '@kubernetes/client-node';
import { PermanentError } from '../../../errors/rollback-error.js';
import { parseImageReference, manifestReference } from '../../images/image-reference.js';
import type { ImageRegistry } from '../../ports/image-registry.js';
import { askRegistry } from './ask-registry.js';
import type { KubernetesTarget } from './kubernetes-target.js';

export interface PullCheckDeps {
  target: KubernetesTarget;
  /** The service's registry client for the Deployment's pod spec; absent or undefined: not configured. */
  registryFor?: (podSpec: V1PodSpec | undefined) => ImageRegistry | undefined;
  registryTimeoutSeconds: number;
}

/**
 * Before anything changes: asks the registry for the exact reference the rollback will run (the pinned
 * digest, else the tag). A registry that no longer has it stops the rollback (pods would sit in
 * ImagePullBackOff); a registry that cannot be asked is said plainly and does not block, since the
 * image ran here before or the plan already found it there. Returns the line for the step's thread, or
 * undefined when no registry is configured.
 */
export async function checkTargetPullable(
  deps: PullCheckDeps,
  podSpec: V1PodSpec | undefined,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const image = deps.target.image;
  const registry = deps.registryFor?.(podSpec);
  if (!image || !registry) return undefined;
  const reference = manifestReference(parseImageReference(image));
  const answer = await askRegistry(registry, image, reference, {
    timeoutSeconds: deps.registryTimeoutSeconds,
    ...(signal ? { signal } : {}),
  });
  if (answer.kind === 'missing') {
    throw new PermanentError(
      'image_not_pullable',
      `The registry has no ${image} any more: pods could not pull it, so nothing was changed.`,
      {
        hint: image.includes('@')
          ? 'The image that ran was deleted from the registry: push it again, or pick another version (/rollback versions).'
          : 'Push the tag again (or, if the image that ran is still there by digest, set kubernetes.pinDigest: true), or pick another version.',
      },
    );
  }
  if (answer.kind === 'exists') return `Registry: ${image} can be pulled (${answer.digest}).`;
  if (answer.kind === 'unavailable')
    return `Registry not checked: ${answer.message}. Going on: the image ran here before or the plan found it in the registry.`;
  return undefined;
}
