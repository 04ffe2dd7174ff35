/** What the kubelet reports while it cannot pull an image: container states and the events it records. */
import type { ContainerStatusWire, PodWire } from './wire-types.js';

/** containerd's message for an image reference that does not resolve. */
export function pullError(image: string): string {
  const ref = `${image.includes('/') ? '' : 'docker.io/library/'}${image}`;
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
}

/** Every container waiting: ErrImagePull (or ImagePullBackOff between attempts) for unpullable images. */
export function pullFailureStatuses(
  pod: PodWire,
  unpullable: ReadonlySet<string>,
  backOff: boolean,
): ContainerStatusWire[] {
  return pod.spec.containers.map((c) => ({
    name: c.name,
    image: c.image,
    imageID: '',
    ready: false,
    started: false,
    restartCount: 0,
    state: {
      waiting: !unpullable.has(c.image)
        ? { reason: 'ContainerCreating' }
        : backOff
          ? { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` }
          : { reason: 'ErrImagePull', message: pullError(c.image) },
    },
    lastState: {},
  }));
}

export function pullFailureEvents(
  image: string,
  backOff: boolean,
): { type: 'Normal' | 'Warning'; reason: string; message: string }[] {
  if (backOff)
    return [
      { type: 'Normal', reason: 'BackOff', message: `Back-off pulling image "${image}"` },
      { type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff' },
    ];
  return [
    { type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"` },
    { type: 'Warning', reason: 'Failed', message: `Failed to pull image "${image}": ${pullError(image)}` },
    { type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' },
  ];
}
