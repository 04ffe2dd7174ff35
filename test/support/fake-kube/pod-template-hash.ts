import { canonicalJson, semanticallyEqual } from './canonical-json.js';
import type { PodTemplateWire } from './wire-types.js';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** k8s.io/apimachinery/pkg/util/rand: the alphabet without vowels and look-alikes. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Like controller.ComputeHash: FNV-32a over the template (and collision count), safe-encoded. */
export function computePodTemplateHash(template: PodTemplateWire, collisionCount = 0): string {
  let hash = 0x811c9dc5;
  const input =
    canonicalJson(withoutHash(template), true) + (collisionCount > 0 ? String(collisionCount) : '');
  for (const byte of Buffer.from(input, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return safeEncode(String(hash >>> 0));
}

export function safeEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => SAFE_ALPHABET[b % SAFE_ALPHABET.length]).join('');
}

/** A random suffix as generateName produces ("kaizen-7d4b9c8f6-x2kqp"). */
export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += SAFE_ALPHABET[Math.floor(Math.random() * SAFE_ALPHABET.length)];
  return out;
}

/** Like deploymentutil.EqualIgnoreHash: templates equal once the pod-template-hash label is dropped. */
export function equalIgnoreHash(a: PodTemplateWire, b: PodTemplateWire): boolean {
  return semanticallyEqual(withoutHash(a), withoutHash(b));
}

export function withoutHash(template: PodTemplateWire): PodTemplateWire {
  const copy = structuredClone(template);
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  }
  return copy;
}
