import type { RanDigest } from '../../ports/image-digests.js';
import type { RegistryAnswer } from './ask-registry.js';

/** `sha256:1a2b3c4d5e6f…`: enough of a digest to tell two apart in a message. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return `${digest.slice(0, colon + 1 + 12)}…`;
}

export interface DigestCheck {
  /** Said under "Watch out" in the plan. */
  warnings: string[];
  /** `image@sha256:…` when the rollback is pinned to the digest the image ran with. */
  pinned?: string;
}

function ranAs(ran: RanDigest): string {
  return `${shortDigest(ran.digest)} (${ran.revision !== undefined ? `revision ${ran.revision}, ` : ''}seen ${ran.seenAt})`;
}

/**
 * Compares the digest `image` ran with here to the one its tag names in the registry now. A moved tag
 * (a mutable tag pushed again, an image rebuilt) is flagged: rolling back to the tag would run an image
 * that never ran here. `pin` (image rollbacks with `kubernetes.pinDigest`, or to a version that ran only
 * pinned) pins the digest that ran; `pinnedBecause` says why when it is not `kubernetes.pinDigest`.
 */
export function checkDigest(
  image: string,
  ran: RanDigest | undefined,
  answer: RegistryAnswer,
  options: { pin: boolean; mode: 'image' | 'undo'; pinCommand?: string; pinnedBecause?: string },
): DigestCheck {
  if (!ran) return { warnings: [] };
  const pinned = options.pin && options.mode === 'image' ? `${image}@${ran.digest}` : undefined;
  const warnings: string[] = [];
  if (answer.kind === 'exists' && answer.digest !== ran.digest) {
    const what = `${image} now points at ${shortDigest(answer.digest)} in the registry, but it ran here as ${ranAs(ran)}: the tag was moved since.`;
    warnings.push(
      pinned
        ? `${what} Pinned to the image that ran: ${pinned} (${options.pinnedBecause ?? 'kubernetes.pinDigest'}).`
        : options.mode === 'image'
          ? `${what} The rollback would run the new image; set kubernetes.pinDigest: true to roll back to ${image}@${ran.digest}.`
          : `${what} Pods of the restored template pull the new image wherever a node lacks the old one${options.pinCommand ? `; ${options.pinCommand} with kubernetes.pinDigest: true rolls back to the exact image` : ''}.`,
    );
  } else if (answer.kind === 'missing' && pinned) {
    warnings.push(
      `The tag is gone from the registry; pinned to the digest that ran: ${pinned} (the pre-checks make sure it can still be pulled).`,
    );
  }
  return { warnings, ...(pinned ? { pinned } : {}) };
}
