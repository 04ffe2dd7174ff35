import { IMAGE_TAG_PATTERN } from '../../../config/strategies/compose-schema.js';
import { InputError } from '../../../errors/rollback-error.js';

export interface ComposeHostState {
  host: string;
  running: string | null;
  /** Tags of the image present on the host, newest first. */
  local: string[];
}

/** Tags one may roll back to: the configured ones (newest first), then those present on a host. */
export function knownTags(configured: readonly string[], hosts: readonly ComposeHostState[]): string[] {
  return [...new Set([...configured, ...hosts.flatMap((h) => h.local)])];
}

/**
 * The requested tag (a configured one or one present on a host), or for "previous" the tag after the
 * running one in the configured list, else the newest tag present on the first host other than the running one.
 */
export function chooseComposeTag(
  image: string,
  configured: readonly string[],
  hosts: ComposeHostState[],
  requested: string | undefined,
): string {
  const running = hosts[0]?.running ?? null;
  const known = knownTags(configured, hosts);
  const others = known.filter((t) => !hosts.every((h) => h.running === t));
  const hint = `Known tags: ${others.slice(0, 15).join(', ') || 'none'} (configured in compose.tags, or present on the hosts).`;
  let tag: string | undefined;
  if (requested === undefined) {
    const index = running === null ? -1 : configured.indexOf(running);
    tag = index >= 0 ? configured[index + 1] : (hosts[0]?.local ?? []).find((t) => t !== running);
    if (tag === undefined)
      throw new InputError(
        'no_previous_version',
        `No tag of ${image} before ${running ?? 'none'} is known.`,
        { hint },
      );
  } else {
    if (!IMAGE_TAG_PATTERN.test(requested))
      throw new InputError('bad_version', `"${requested.slice(0, 60)}" is not an image tag.`, { hint });
    if (!known.includes(requested))
      throw new InputError(
        'unknown_version',
        `${image}:${requested} is neither configured nor present on a host.`,
        { hint },
      );
    tag = requested;
  }
  if (hosts.every((h) => h.running === tag)) {
    throw new InputError('already_current', `Every host already runs ${image}:${tag}.`, { hint });
  }
  return tag;
}
