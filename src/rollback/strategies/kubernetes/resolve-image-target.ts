import type { KubernetesSection } from '../../../config/service-schema.js';
import { InputError, PermanentError } from '../../../errors/rollback-error.js';
import { suggestCommand } from '../../../errors/suggested-command.js';
import type { PlannedAction } from '../../plan.js';
import type { ImageRegistry } from '../../ports/image-registry.js';
import type { ResolvedPlan, TargetSource } from '../../strategy.js';
import type { RanDigest } from '../../ports/image-digests.js';
import { askRegistry, type RegistryAnswer } from './ask-registry.js';
import { checkDigest } from './digest-check.js';
import { computeImagePatch } from './compute-image-patch.js';
import { imageTag } from './describe-image.js';
import type { ImageTarget } from './kubernetes-target.js';
import { pinnedRunOf, type HistoryImage } from './pinned-run.js';
import type { DeploymentState } from './read-deployment-state.js';
import { containerImage, revisionHistory } from './replica-set-history.js';
import { tagOfPinned } from '../../images/ran-digests.js';

export interface ImageTargetInput {
  /** The service's name, for the commands a refusal suggests. */
  service: string;
  section: KubernetesSection;
  state: DeploymentState;
  version: string;
  /** The service's registry client (absent: the service configures no `kubernetes.registry`). */
  registry: ImageRegistry | undefined;
  /** Fields every Kubernetes target carries (context, namespace, deployment, container, from). */
  common: Omit<ImageTarget, 'mode' | 'version' | 'image'>;
  /** "v0.8.0 (revision 5)". */
  from: string;
  where: string;
  kubectlFlags: string;
  /** Appended to the action's description (how the patch stays safe to apply). */
  actionNote?: string;
  /** The digest this image ran with here, if the bot saw it run. */
  ranWith?: RanDigest;
  signal?: AbortSignal;
}

/** The images that ran in the Deployment, per revision, newest first: `revision 4: kaizen:v0.7.0`. */
function historyImages(state: DeploymentState, container: string): HistoryImage[] {
  return revisionHistory(state.deployment, state.replicaSets).flatMap((e) => {
    const image = containerImage(e.replicaSet.spec?.template, container);
    const created = e.replicaSet.metadata?.creationTimestamp as Date | string | undefined;
    if (!image) return [];
    return [
      { revision: e.revision, image, ...(created ? { created: new Date(created).toISOString() } : {}) },
    ];
  });
}

/**
 * A version (image tag) as a target, known from the Deployment's history (its image ran here, also pinned
 * by digest: `kaizen:v0.7.0@sha256:…` is v0.7.0), the service's `tags:` or the image registry. The registry
 * is asked whenever the service configures it: for a known version a missing tag or an unreachable registry
 * is a warning; for an unknown one the registry decides, and without an answer the version is refused with
 * what is available. A version that ran here only pinned is rolled back to the digest it ran as (the tag
 * may have moved since), with or without `kubernetes.pinDigest`.
 */
export async function resolveImageTarget(input: ImageTargetInput): Promise<ResolvedPlan> {
  const { section, state, version } = input;
  const name = section.deployment;
  const image = `${section.image}:${version}`;
  const ran = historyImages(state, section.container);
  const ranAsTag = ran.some((r) => r.image === image);
  const ranPinned = pinnedRunOf(ran, image);
  const source: TargetSource | undefined =
    ranAsTag || ranPinned ? 'history' : section.tags?.includes(version) ? 'tags' : undefined;
  const result = computeImagePatch(state.deployment, section.container, image);
  if (result.kind === 'missing_container') {
    throw new PermanentError(
      'container_not_found',
      `${result.message} in deployment/${name} (${input.where})`,
      {
        hint: 'Fix kubernetes.container in the service YAML.',
      },
    );
  }
  if (result.kind === 'unchanged' || tagOfPinned(state.image ?? '') === image) {
    throw new InputError('already_current', `${name} already runs ${state.image ?? image} (${input.from}).`);
  }
  const answer = await askRegistry(input.registry, section.image, version, {
    timeoutSeconds: section.registry?.timeout ?? 10,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const knownFrom = source ?? refuseUnknown(input, image, answer, ran);
  const ranWith = input.ranWith ?? ranPinned;
  const onlyPinned = !ranAsTag && ranPinned !== undefined;
  const digest = checkDigest(image, ranWith, answer, {
    pin: section.pinDigest === true || onlyPinned,
    mode: 'image',
    ...(onlyPinned && section.pinDigest !== true
      ? { pinnedBecause: `${version} ran here only pinned by digest` }
      : {}),
  });
  const setImage = digest.pinned ?? image;
  const patch = digest.pinned ? computeImagePatch(state.deployment, section.container, setImage) : result;
  const target: ImageTarget = {
    mode: 'image',
    ...input.common,
    version,
    image: setImage,
    ...(ranWith ? { ranWith: ranWith.digest } : {}),
  };
  const action: PlannedAction = {
    target: `cluster ${input.where}`,
    description:
      `PATCH deployment/${name} (strategic merge patch) ${JSON.stringify('patch' in patch ? patch.patch : {})}, ` +
      `as kubectl set image deployment/${name} ${section.container}=${setImage} ${input.kubectlFlags}` +
      (input.actionNote ?? ''),
  };
  const warnings = [...(source ? registryWarnings(answer, image, source) : []), ...digest.warnings];
  return {
    from: input.from,
    to: version,
    target: { ...target },
    actions: [action],
    knownFrom,
    versions: { from: imageTag(state.image), to: version },
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

function registryWarnings(answer: RegistryAnswer, image: string, source: TargetSource): string[] {
  const known = source === 'history' ? 'it ran here before' : 'it is in kubernetes.tags';
  if (answer.kind === 'missing')
    return [
      `The registry has no ${image} (${known}): pods may fail to pull it (ImagePullBackOff); the pre-checks stop the rollback before any change if it is still missing then.`,
    ];
  if (answer.kind === 'unavailable')
    return [`Registry not checked: ${answer.message}. Accepted because ${known}.`];
  return [];
}

/** 'registry' when only the registry knows it; otherwise the refusal, listing what is available. */
function refuseUnknown(
  input: ImageTargetInput,
  image: string,
  answer: RegistryAnswer,
  ran: HistoryImage[],
): TargetSource {
  if (answer.kind === 'exists') return 'registry';
  const { section, version } = input;
  const name = section.deployment;
  const reasons = [`it never ran in deployment/${name}`];
  if (section.tags) reasons.push('it is not in kubernetes.tags');
  if (answer.kind === 'missing') reasons.push(`the registry has no ${image}`);
  const ranTags = [...new Set(ran.map((r) => imageTag(r.image)))];
  const available = [...new Set([...ranTags, ...(section.tags ?? [])])].filter(
    (tag) => tag !== imageTag(input.state.image),
  );
  const hint = `${available.length > 0 ? `Available: ${available.join(', ')}.` : 'No other version ran here.'}${
    answer.kind === 'not_configured'
      ? ' The registry is not asked: configure kubernetes.registry to accept versions that exist there.'
      : ''
  }`;
  if (answer.kind === 'unavailable') {
    throw new InputError(
      'version_unverified',
      `${version} is not a known version of ${name} (${reasons.join(', ')}), and the registry could not be asked: ${answer.message}.`,
      { hint, next: [suggestCommand('versions', input.service)] },
    );
  }
  throw new InputError(
    'unknown_version',
    `${version} is not a known version of ${name}: ${reasons.join(', ')}.`,
    { hint, next: [suggestCommand('versions', input.service)] },
  );
}
